package dev.strata.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BundleExtension;
import dev.strata.builder.profile.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * The bundle's software bill of materials, {@code bom.cdx.json} (CycloneDX 1.6, JSON), made from
 * {@code strata-bundle.json}: every Debian package of the root image (pkg:deb purl, version,
 * architecture, the licences of its copyright file) and every Java library of the layer (pkg:maven
 * purl when the jar names its coordinates, SHA-256, licences). Reproducible: the timestamp is
 * SOURCE_DATE_EPOCH and the serial number is derived from strata-bundle.json's bytes.
 */
public final class CycloneDxSbom implements BundleExtension {

    public static final String FILE_NAME = "bom.cdx.json";
    public static final Version SPEC = Version.VERSION_16;

    @Override
    public String stage() {
        return "sbom";
    }

    @Override
    public String description() {
        return "writing " + FILE_NAME + " (CycloneDX " + SPEC.getVersionString() + ") from " + BundleWriter.BUNDLE_JSON;
    }

    @Override
    public List<String> write(Profile profile, Path bundleDir, long sourceDateEpoch) {
        try {
            byte[] json = Files.readAllBytes(bundleDir.resolve(BundleWriter.BUNDLE_JSON));
            Files.writeString(bundleDir.resolve(FILE_NAME), toJson(json, sourceDateEpoch), StandardCharsets.UTF_8);
            return List.of(FILE_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE_NAME + " in " + bundleDir + ": " + e.getMessage(), e);
        }
    }

    /** The SBOM of one strata-bundle.json. */
    static String toJson(byte[] bundleJson, long epoch) throws IOException {
        JsonNode bundle = new ObjectMapper().readTree(bundleJson);
        Bom bom = new Bom();
        bom.setVersion(1);
        bom.setSerialNumber("urn:uuid:" + UUID.nameUUIDFromBytes(("strata-sbom:" + sha256Hex(bundleJson))
                .getBytes(StandardCharsets.UTF_8)));
        bom.setMetadata(metadata(bundle, epoch));
        List<Component> components = new ArrayList<>();
        String distro = distroQualifier(bundle.path("distribution").asText());
        for (JsonNode p : bundle.path("packages")) {
            components.add(debianPackage(p, distro));
        }
        for (JsonNode l : bundle.path("layerLibraries")) {
            components.add(javaLibrary(l));
        }
        bom.setComponents(components);
        try {
            return BomGeneratorFactory.createJson(SPEC, bom).toJsonString() + "\n";
        } catch (GeneratorException e) {
            throw new IOException("CycloneDX generator: " + e.getMessage(), e);
        }
    }

    private static Metadata metadata(JsonNode bundle, long epoch) {
        Metadata md = new Metadata();
        md.setTimestamp(Date.from(Instant.ofEpochSecond(epoch)));
        Component subject = new Component();
        subject.setType(Component.Type.OPERATING_SYSTEM);
        subject.setName("systemvmtemplate-" + bundle.path("profile").asText());
        subject.setVersion(bundle.path("version").asText());
        subject.setBomRef("template");
        subject.setDescription("CloudStack system VM template built by Strata from profile " + bundle.path("profile").asText()
                + " (" + bundle.path("distribution").asText() + ", " + bundle.path("architecture").asText() + ")");
        JsonNode root = bundle.path("rootImage");
        subject.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, root.path("sha256").asText())));
        subject.setProperties(List.of(property("strata:rootImage.filesystem", root.path("filesystem").asText()),
                property("strata:rootImage.bytes", root.path("bytes").asText())));
        md.setComponent(subject);
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setName("strata");
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(tool));
        md.setToolChoice(tools);
        return md;
    }

    private static Component debianPackage(JsonNode p, String distro) {
        Component c = new Component();
        c.setType(Component.Type.LIBRARY);
        String name = p.path("name").asText();
        String version = p.path("version").asText();
        String arch = p.path("architecture").asText();
        c.setName(name);
        c.setVersion(version);
        String purl = "pkg:deb/debian/" + name + "@" + enc(version) + "?arch=" + enc(arch)
                + (distro.isEmpty() ? "" : "&distro=" + enc(distro));
        c.setPurl(purl);
        c.setBomRef(purl);
        c.setLicenses(licenses(p.path("licenses")));
        return c;
    }

    private static Component javaLibrary(JsonNode l) {
        Component c = new Component();
        c.setType(Component.Type.LIBRARY);
        String group = l.path("groupId").asText();
        String artifact = l.path("artifactId").asText();
        String version = l.path("version").asText();
        if (!group.isEmpty()) {
            c.setGroup(group);
        }
        c.setName(artifact);
        if (!version.isEmpty()) {
            c.setVersion(version);
        }
        if (!group.isEmpty() && !version.isEmpty()) {
            c.setPurl("pkg:maven/" + group + "/" + artifact + "@" + enc(version) + "?type=jar");
        }
        c.setBomRef("layer-lib:" + l.path("file").asText());
        c.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, l.path("sha256").asText())));
        c.setLicenses(licenses(l.path("licenses")));
        c.setProperties(List.of(property("strata:layer.file", "lib/" + l.path("file").asText())));
        return c;
    }

    /** Licences by name (Debian's and the jars' own words; an http(s) value is a licence URL). */
    private static LicenseChoice licenses(JsonNode names) {
        if (!names.isArray() || names.isEmpty()) {
            return null;
        }
        LicenseChoice choice = new LicenseChoice();
        for (JsonNode n : names) {
            License license = new License();
            String text = n.asText();
            if (text.startsWith("http://") || text.startsWith("https://")) {
                license.setName(text);
                license.setUrl(text);
            } else {
                license.setName(text);
            }
            choice.addLicense(license);
        }
        return choice;
    }

    private static Property property(String name, String value) {
        Property p = new Property();
        p.setName(name);
        p.setValue(value);
        return p;
    }

    /** "debian bookworm" -> "debian-bookworm" (the purl spec's distro qualifier). */
    private static String distroQualifier(String distribution) {
        return distribution.strip().replace(' ', '-');
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%2B");
    }
}
