package dev.strata.builder.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Builds a SHA-256 digest of a stage's inputs: labelled strings and file contents, fed in a
 * fixed order, so that the same inputs always name the same cache entry.
 */
public final class Digest {

    private final MessageDigest sha256;

    public Digest() {
        this.sha256 = newSha256();
    }

    public Digest add(String label, Object value) {
        byte[] bytes = (label + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
        sha256.update(bytes);
        return this;
    }

    public Digest addFile(String label, Path file) {
        add(label, file.getFileName());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha256.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** SHA-256 of a whole file, hex. */
    public static String sha256(Path file) {
        return new Digest().addFileContentOnly(file).hex();
    }

    private Digest addFileContentOnly(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha256.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return this;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
