package dev.strata.layout;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What a layer says about itself ({@code manifest.properties} at the layer's root). A plain
 * key=value file rather than JSON so that this module needs nothing beyond the JDK, and so that
 * the signature covers exact, simple bytes.
 *
 * @param name            layer name, e.g. {@code router}
 * @param version         layer version; also its folder name under /router
 * @param created         when it was built (SOURCE_DATE_EPOCH)
 * @param contentSha256   digest of the layer's files ({@link ContentDigest}), manifest excluded
 * @param inputsSha256    digest of what it was built from
 * @param minRootVersion  oldest root image version it runs on
 * @param entryPoint      command that starts it, relative to the layer root
 * @param healthCheck     command that says it works (exit 0)
 * @param healthTimeoutSeconds how long the health check may take to pass after activation
 * @param contentFormat   the {@link ContentDigest} format of {@code contentSha256}; a manifest
 *                        without {@code content-format} is format 1 (owners and special mode bits
 *                        not covered), which no longer verifies
 */
public record LayerManifest(String name, String version, Instant created, String contentSha256, String inputsSha256,
                            String minRootVersion, String entryPoint, String healthCheck, int healthTimeoutSeconds,
                            int contentFormat) {

    public static final String FILE = "manifest.properties";
    public static final String SIGNATURE_FILE = "manifest.sig";
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public LayerManifest {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("layer version must be 1-64 of [0-9A-Za-z._+-], got '" + version + "'");
        }
        if (contentSha256 == null || !SHA256.matcher(contentSha256).matches()) {
            throw new IllegalArgumentException("content-sha256 must be 64 lower-case hex digits, got '" + contentSha256 + "'");
        }
    }

    /** A manifest of the current digest format. */
    public LayerManifest(String name, String version, Instant created, String contentSha256, String inputsSha256,
                         String minRootVersion, String entryPoint, String healthCheck, int healthTimeoutSeconds) {
        this(name, version, created, contentSha256, inputsSha256, minRootVersion, entryPoint, healthCheck,
                healthTimeoutSeconds, ContentDigest.FORMAT);
    }

    /** The manifest's bytes: fixed key order, so that the same manifest always signs the same. */
    public byte[] toBytes() {
        StringBuilder s = new StringBuilder();
        for (String[] kv : List.of(
                new String[] {"name", name}, new String[] {"version", version},
                new String[] {"created", created.toString()},
                new String[] {"content-format", Integer.toString(contentFormat)}, new String[] {"content-sha256", contentSha256},
                new String[] {"inputs-sha256", inputsSha256}, new String[] {"min-root-version", minRootVersion},
                new String[] {"entry-point", entryPoint}, new String[] {"health-check", healthCheck},
                new String[] {"health-timeout-seconds", Integer.toString(healthTimeoutSeconds)})) {
            if (kv[1].contains("\n")) {
                throw new IllegalArgumentException(kv[0] + " must be one line");
            }
            s.append(kv[0]).append('=').append(kv[1]).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static LayerManifest parse(byte[] bytes) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable layer manifest", e);
        }
        try {
            return new LayerManifest(required(p, "name"), required(p, "version"), Instant.parse(required(p, "created")),
                    required(p, "content-sha256"), required(p, "inputs-sha256"), required(p, "min-root-version"),
                    required(p, "entry-point"), required(p, "health-check"),
                    Integer.parseInt(required(p, "health-timeout-seconds")),
                    Integer.parseInt(p.getProperty("content-format", "1")));
        } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("bad value in layer manifest: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("layer manifest lacks '" + key + "'");
        }
        return v;
    }
}
