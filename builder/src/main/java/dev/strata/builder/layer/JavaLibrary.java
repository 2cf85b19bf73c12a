package dev.strata.builder.layer;

import dev.strata.builder.pipeline.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * One jar of the layer as the bill of materials lists it: Maven coordinates from the jar's own
 * {@code META-INF/maven/.../pom.properties}, licences from its manifest ({@code Bundle-License})
 * or its embedded {@code pom.xml}, and its SHA-256. What the jar does not say stays empty.
 */
public record JavaLibrary(String file, String groupId, String artifactId, String version, List<String> licenses,
                          String sha256) {

    private static final Pattern LICENSE_NAME = Pattern.compile("<license>\\s*<name>\\s*([^<]+?)\\s*</name>", Pattern.DOTALL);

    public JavaLibrary {
        licenses = List.copyOf(licenses);
    }

    public static JavaLibrary describe(Path jar) {
        String fileName = jar.getFileName().toString();
        String group = "";
        String artifact = fileName.replaceFirst("\\.jar$", "");
        String version = "";
        Set<String> licenses = new LinkedHashSet<>();
        try (JarFile jf = new JarFile(jar.toFile(), false)) {
            Properties pom = null;
            String pomXml = null;
            for (Enumeration<? extends ZipEntry> e = jf.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String n = entry.getName();
                if (!n.startsWith("META-INF/maven/")) {
                    continue;
                }
                if (n.endsWith("/pom.properties") && pom == null) {
                    pom = new Properties();
                    try (InputStream in = jf.getInputStream(entry)) {
                        pom.load(in);
                    }
                } else if (n.endsWith("/pom.xml") && pomXml == null) {
                    try (InputStream in = jf.getInputStream(entry)) {
                        pomXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
            if (pom != null) {
                group = pom.getProperty("groupId", group);
                artifact = pom.getProperty("artifactId", artifact);
                version = pom.getProperty("version", version);
            }
            Manifest mf = jf.getManifest();
            if (mf != null) {
                String bundleLicense = mf.getMainAttributes().getValue("Bundle-License");
                if (bundleLicense != null && !bundleLicense.isBlank()) {
                    // "Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0.txt" or "X;link=..." : the first clause
                    licenses.add(bundleLicense.split("[;,]")[0].strip());
                }
                if (version.isEmpty()) {
                    String v = mf.getMainAttributes().getValue("Implementation-Version");
                    version = v == null ? "" : v;
                }
            }
            if (licenses.isEmpty() && pomXml != null) {
                Matcher m = LICENSE_NAME.matcher(pomXml);
                while (m.find()) {
                    licenses.add(m.group(1).replaceAll("\\s+", " "));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jar " + jar + ": " + e.getMessage(), e);
        }
        return new JavaLibrary(fileName, group, artifact, version, new ArrayList<>(licenses), Digest.sha256(jar));
    }
}
