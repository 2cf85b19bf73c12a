package dev.strata.builder.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.pipeline.Digest;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.rootfs.DpkgStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {

    static final String KVM = "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2";
    static final String XEN = "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2";

    @TempDir
    Path dir;
    Profile profile;

    @BeforeEach
    void bundle() throws Exception {
        profile = new ProfileLoader().load(Path.of("..", "debian-profile", "profiles", "debian.yaml"));
        write(60L << 20);
    }

    private void write(long rootBytes) throws Exception {
        Files.write(dir.resolve(KVM), new byte[4096]);
        Files.write(dir.resolve(XEN), new byte[2048]);
        Files.write(dir.resolve("router-4.22.0.layer"), new byte[100]);
        List<BuildResult.OutputFile> files = List.of(
                new BuildResult.OutputFile(KVM, "kvm", 4096, Digest.sha256(dir.resolve(KVM))),
                new BuildResult.OutputFile(XEN, "xenserver", 2048, Digest.sha256(dir.resolve(XEN))),
                new BuildResult.OutputFile("router-4.22.0.layer", "layer", 100, Digest.sha256(dir.resolve("router-4.22.0.layer"))));
        new BundleWriter().write(profile, dir, files, "ab".repeat(32), rootBytes,
                List.of(new DpkgStatus.InstalledPackage("libc6", "2.36", "amd64", "")), 1767225600L,
                BundleWriter.DEFAULT_REPOSITORY);
    }

    @Test
    void aGoodBundlePasses() throws Exception {
        BundleVerifier.Report r = new BundleVerifier().verify(dir, profile, 0);
        assertThat(r.problems()).isEmpty();
        assertThat(r.checked()).hasSize(4);
    }

    @Test
    void aChangedTemplateIsCaughtByBothListsAndMetadataAndSize() throws Exception {
        Files.write(dir.resolve(KVM), new byte[4097]);
        BundleVerifier.Report r = new BundleVerifier().verify(dir, profile, 0);
        assertThat(r.problems()).anyMatch(p -> p.startsWith("md5sum.txt: " + KVM + ": DIGEST_DIFFERS"))
                .anyMatch(p -> p.startsWith("sha512sum.txt: " + KVM + ": DIGEST_DIFFERS"))
                .anyMatch(p -> p.equals(KVM + ": 4097 bytes, strata-bundle.json says 4096"));
    }

    @Test
    void metadataWithoutASectionForATemplate() throws Exception {
        String ini = Files.readString(dir.resolve("metadata.ini"));
        Files.writeString(dir.resolve("metadata.ini"), ini.substring(0, ini.indexOf("[xenserver]")));
        BundleVerifier.Report r = new BundleVerifier().verify(dir, profile, 0);
        assertThat(r.problems()).containsExactly("metadata.ini: no section for " + XEN);
    }

    @Test
    void metadataOfAnotherVersion() throws Exception {
        Files.writeString(dir.resolve("metadata.ini"),
                Files.readString(dir.resolve("metadata.ini")).replace("version = 4.22.0.0", "version = 4.21.0.0"));
        assertThat(new BundleVerifier().verify(dir, profile, 0).problems())
                .containsExactly("metadata.ini: [default] version = 4.21.0.0, expected 4.22.0.0");
    }

    @Test
    void overTheBudget() throws Exception {
        write(profile.size().rootImageMax() + 1);
        BundleVerifier.Report r = new BundleVerifier().verify(dir, profile, 3000);
        assertThat(r.problems()).hasSize(2)
                .anyMatch(p -> p.startsWith("root image is ") && p.contains("over the profile's size.root-image-max"))
                .anyMatch(p -> p.startsWith(KVM + ": 4.0 KiB, over the budget of"));
    }

    @Test
    void aMissingFileAndNoBundle() throws Exception {
        Files.delete(dir.resolve(XEN));
        assertThat(new BundleVerifier().verify(dir, profile, 0).problems())
                .anyMatch(p -> p.contains("lists '" + XEN + "', which is not a file of the bundle"))
                .anyMatch(p -> p.startsWith("metadata.ini: [xenserver] filename = " + XEN + ": no such file"));
        assertThat(new BundleVerifier().verify(dir.resolve("none"), profile, 0).problems())
                .singleElement().asString().contains("no such bundle folder");
    }
}
