package dev.strata.builder.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strata.builder.layer.JavaLibrary;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.rootfs.DpkgStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the bundle's index files beside the templates: CloudStack's {@code metadata.ini}
 * and {@code md5sum.txt}/{@code sha512sum.txt}, and Strata's {@code strata-bundle.json}
 * (what was built from what, and the installed packages: the bill of materials).
 */
public final class BundleWriter {

    public static final String BUNDLE_JSON = "strata-bundle.json";

    /**
     * The repository prefix of every {@code downloadurl} (an SSVM downloads from it into S3/Swift
     * stores, and the server downloads from it when a bundle file is missing). Same shape as
     * CloudStack's own metadata.ini and as {@code system.vm.templates.download.repository} in
     * server.properties expects of a mirror: files at {@code <prefix><major.minor>/<file>}, so an
     * operator who mirrors the bundle and sets that key gets working URLs (the server, and
     * {@code strata seed}, swap this prefix for the key's value). Default: the folder the
     * management-server package installs the bundle into, as a file URL, because no published
     * repository holds Strata's build (CloudStack's own holds CloudStack's, whose checksums differ);
     * release managers who publish Strata bundles give theirs with {@code --download-repository}.
     */
    public static final String DEFAULT_REPOSITORY = "file:///usr/share/cloudstack-management/templates/systemvm/";

    public void write(Profile profile, Path dir, List<BuildResult.OutputFile> files, String rootSha256,
                      long rootBytes, List<DpkgStatus.InstalledPackage> packages, long epoch, String repository) {
        write(profile, dir, files, rootSha256, rootBytes, packages, List.of(), epoch, repository);
    }

    /**
     * @param libraries the layer's jars: with the packages, the bill of materials the SBOM is made from
     */
    public void write(Profile profile, Path dir, List<BuildResult.OutputFile> files, String rootSha256,
                      long rootBytes, List<DpkgStatus.InstalledPackage> packages, List<JavaLibrary> libraries,
                      long epoch, String repository) {
        try {
            List<FileDigest> digests = ChecksumFiles.write(dir, files.stream().map(BuildResult.OutputFile::name).toList());
            List<MetadataEntry> entries = new ArrayList<>();
            String arch = profile.distribution().cloudstackArch();
            for (BuildResult.OutputFile f : files) {
                if (f.isLayer()) {
                    continue; // a layer is Strata's, not a template: in the checksums and strata-bundle.json only
                }
                Hypervisor h = Hypervisor.fromId(f.hypervisor());
                String sha512 = digests.stream().filter(d -> d.fileName().equals(f.name())).findFirst()
                        .orElseThrow().sha512();
                entries.add(new MetadataEntry(h.metadataSection(arch), templateName(profile, h), f.name(), sha512,
                        downloadUrl(repository, profile.version(), f.name()), arch,
                        h.guestOs(profile.distribution().release())));
            }
            Files.writeString(dir.resolve("metadata.ini"),
                    MetadataIni.build(fourPart(profile.version()), repositoryPrefix(repository), entries),
                    StandardCharsets.UTF_8);
            writeJson(profile, dir, files, rootSha256, rootBytes, packages, libraries, epoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CloudStack's template name, as templateConfig.sh names every one of them:
     * {@code systemvm-<hv>-<version>-<arch>} (e.g. {@code systemvm-vmware-4.22.0-x86_64}).
     */
    static String templateName(Profile profile, Hypervisor h) {
        return "systemvm-" + h.id() + "-" + profile.version() + "-" + profile.distribution().cloudstackArch();
    }

    /** {@code <repository>/<major.minor>/<file>}, the layout of CloudStack's repository and its mirrors. */
    static String downloadUrl(String repository, String version, String file) {
        String[] v = version.split("\\.");
        return repositoryPrefix(repository) + v[0] + "." + v[1] + "/" + file;
    }

    /**
     * An http(s) URL prefix, or a {@code file:///} folder URL such as the default, ending in '/'
     * (added when missing), as the server's setting is.
     */
    public static String repositoryPrefix(String repository) {
        String r = repository == null ? "" : repository.strip();
        boolean http = r.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~%!$&'()*+,;=:@\\-/]*)?");
        boolean file = r.matches("file://(/[A-Za-z0-9._~%!$&'()*+,;=:@\\-]+)+/?") && !r.matches(".*/\\.\\.?(/.*)?");
        if (!http && !file) {
            throw new IllegalArgumentException("--download-repository '" + repository + "' is not an http(s) URL "
                    + "prefix such as https://mirror.example/systemvm/ nor a file:/// folder URL (files are found at "
                    + "<prefix><major.minor>/<file>)");
        }
        return r.endsWith("/") ? r : r + "/";
    }

    static String fourPart(String version) {
        return version.split("\\.").length == 3 ? version + ".0" : version;
    }

    private static void writeJson(Profile profile, Path dir, List<BuildResult.OutputFile> files, String rootSha256,
                                  long rootBytes, List<DpkgStatus.InstalledPackage> packages,
                                  List<JavaLibrary> libraries, long epoch)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", 1);
        json.put("profile", profile.name());
        json.put("version", profile.version());
        json.put("distribution", profile.distribution().name() + " " + profile.distribution().suite());
        json.put("architecture", profile.distribution().cloudstackArch());
        json.put("sourceDateEpoch", epoch);
        json.put("rootImage", Map.of("filesystem", profile.rootImage().filesystem().id(),
                "compression", profile.rootImage().compression(), "bytes", rootBytes, "sha256", rootSha256));
        json.put("files", files.stream().filter(f -> !f.isLayer()).toList());
        json.put("layers", files.stream().filter(BuildResult.OutputFile::isLayer).toList());
        json.put("packages", packages.stream().map(p -> Map.of("name", p.name(), "version", p.version(),
                "architecture", p.architecture(), "licenses", p.licenses())).toList());
        // The layer's jars (the same in every layer of this bundle): what the SBOM lists as Java libraries.
        json.put("layerLibraries", libraries.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", l.file());
            m.put("groupId", l.groupId());
            m.put("artifactId", l.artifactId());
            m.put("version", l.version());
            m.put("licenses", l.licenses());
            m.put("sha256", l.sha256());
            return m;
        }).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .writeValue(dir.resolve(BUNDLE_JSON).toFile(), json);
    }
}
