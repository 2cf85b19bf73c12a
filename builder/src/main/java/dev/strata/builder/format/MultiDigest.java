package dev.strata.builder.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several message digests fed from one stream. Template files are gigabytes; reading each one once
 * for all the digests we publish (md5, sha512, the OVA manifest's sha256) halves or thirds the I/O.
 */
final class MultiDigest {

    static final HexFormat HEX = HexFormat.of();
    private static final int BUFFER = 1 << 20;

    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
    private long bytes;

    /** @param algorithms JCA names, e.g. "MD5", "SHA-512" */
    MultiDigest(List<String> algorithms) {
        for (String algorithm : algorithms) {
            digests.put(algorithm, newDigest(algorithm));
        }
    }

    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every JDK must provide MD5, SHA-1 and SHA-256; SHA-512 is in all OpenJDK builds.
            throw new IllegalStateException("JDK lacks digest " + algorithm, e);
        }
    }

    void update(byte[] buf, int off, int len) {
        for (MessageDigest d : digests.values()) {
            d.update(buf, off, len);
        }
        bytes += len;
    }

    /** Reads the stream to its end, feeding every digest. Does not close it. */
    MultiDigest consume(InputStream in) throws IOException {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) > 0) {
            update(buf, 0, n);
        }
        return this;
    }

    long bytes() {
        return bytes;
    }

    /** Lower-case hex of the named digest; finishes that digest. */
    String hex(String algorithm) {
        MessageDigest d = digests.get(algorithm);
        if (d == null) {
            throw new IllegalArgumentException("digest not computed: " + algorithm);
        }
        return HEX.formatHex(d.digest());
    }

    /** One read pass over the file for all the given algorithms; algorithm -> lower-case hex. */
    static Map<String, String> ofFile(Path file, List<String> algorithms) throws IOException {
        MultiDigest md = new MultiDigest(algorithms);
        try (InputStream in = Files.newInputStream(file)) {
            md.consume(in);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String algorithm : algorithms) {
            out.put(algorithm, md.hex(algorithm));
        }
        return out;
    }

    static String sha256(byte[] data) {
        return HEX.formatHex(newDigest("SHA-256").digest(data));
    }
}
