package dev.strata.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.layer.JavaLibrary;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.rootfs.DpkgStatus.InstalledPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CycloneDxSbomTest {

    static final Path PROFILE = Path.of("../debian-profile/profiles/debian.yaml");

    @TempDir
    Path dir;

    private Path bundle(long epoch) throws Exception {
        Profile profile = new ProfileLoader().load(PROFILE);
        String name = "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2";
        Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        Files.write(dir.resolve("router-4.22.0.layer"), new byte[] {4, 5});
        List<BuildResult.OutputFile> files = List.of(new BuildResult.OutputFile(name, "kvm", 3, "00"),
                new BuildResult.OutputFile("router-4.22.0.layer", "layer", 2, "11"));
        List<InstalledPackage> packages = List.of(
                new InstalledPackage("libc6", "2.36-9+deb12u10", "amd64", "", List.of("LGPL-2.1+", "GPL-2+")),
                new InstalledPackage("busybox", "1:1.35.0-4+b4", "amd64", "", List.of("GPL-2")),
                new InstalledPackage("no-copyright", "1.0", "all", ""));
        List<JavaLibrary> libraries = List.of(JavaLibrary.describe(jarOf(ObjectMapper.class)),
                JavaLibrary.describe(jarOf(Bom.class)));
        new BundleWriter().write(profile, dir, files, "ab".repeat(32), 123456, packages, libraries, epoch,
                BundleWriter.DEFAULT_REPOSITORY);
        new CycloneDxSbom().write(profile, dir, epoch);
        return dir.resolve(CycloneDxSbom.FILE_NAME);
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyPackageAndLibraryWithVersionAndLicenceValidAgainstTheSchema() throws Exception {
        Path sbom = bundle(1767225600L);
        assertThat(new JsonParser().validate(sbom.toFile(), CycloneDxSbom.SPEC)).isEmpty();

        Bom bom = new JsonParser().parse(sbom.toFile());
        assertThat(bom.getSpecVersion()).isEqualTo("1.6");
        assertThat(bom.getMetadata().getComponent().getName()).isEqualTo("systemvmtemplate-debian");
        assertThat(bom.getMetadata().getComponent().getVersion()).isEqualTo("4.22.0");
        assertThat(bom.getMetadata().getTimestamp().toInstant().getEpochSecond()).isEqualTo(1767225600L);
        Map<String, Component> byName = bom.getComponents().stream()
                .collect(Collectors.toMap(Component::getName, Function.identity()));
        assertThat(byName).containsOnlyKeys("libc6", "busybox", "no-copyright", "jackson-databind", "cyclonedx-core-java");

        Component libc = byName.get("libc6");
        assertThat(libc.getVersion()).isEqualTo("2.36-9+deb12u10");
        assertThat(libc.getPurl()).isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-bookworm");
        assertThat(libc.getLicenses().getLicenses()).extracting(l -> l.getName()).containsExactly("LGPL-2.1+", "GPL-2+");
        assertThat(byName.get("busybox").getPurl()).startsWith("pkg:deb/debian/busybox@1%3A1.35.0-4%2Bb4?");
        assertThat(byName.get("no-copyright").getLicenses()).isNull();

        Component jackson = byName.get("jackson-databind");
        assertThat(jackson.getGroup()).isEqualTo("com.fasterxml.jackson.core");
        assertThat(jackson.getVersion()).isEqualTo(ObjectMapper.class.getPackage().getImplementationVersion());
        assertThat(jackson.getPurl()).isEqualTo("pkg:maven/com.fasterxml.jackson.core/jackson-databind@"
                + jackson.getVersion() + "?type=jar");
        assertThat(jackson.getLicenses().getLicenses()).isNotEmpty();
        assertThat(jackson.getLicenses().getLicenses().get(0).getName()).containsIgnoringCase("apache");
        assertThat(jackson.getHashes().get(0).getValue()).hasSize(64);
    }

    @Test
    void sameBundleSameBytesAndAnotherEpochAnotherDocument() throws Exception {
        byte[] first = Files.readAllBytes(bundle(1767225600L));
        byte[] second = Files.readAllBytes(bundle(1767225600L));
        assertThat(second).isEqualTo(first);
        byte[] later = Files.readAllBytes(bundle(1767225601L));
        assertThat(later).isNotEqualTo(first);
    }

    @Test
    void theSchemaCheckCatchesABrokenDocument() throws Exception {
        Path sbom = bundle(1767225600L);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = (ObjectNode) mapper.readTree(sbom.toFile());
        ((ObjectNode) doc.path("components").get(0)).remove("name");
        ((ObjectNode) doc.path("components").get(1)).put("type", "vm-image");
        assertThat(new JsonParser().validate(mapper.writeValueAsBytes(doc), CycloneDxSbom.SPEC)).hasSizeGreaterThanOrEqualTo(2);
    }
}
