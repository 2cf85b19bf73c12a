package dev.strata.layout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Signed layer folders and images for tests. */
final class TestLayers {

    private TestLayers() {
    }

    /** A signed layer folder: {@code bin/agent} with the given text, plus any extra files. */
    static Path folder(Path parent, String version, String agent, KeyPair signer, String minRoot,
                       Map<String, String> extra) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("src-" + version + "-" + System.nanoTime()));
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/agent"), agent);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()).getParent());
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        LayerManifest m = new LayerManifest("router", version, Instant.parse("2026-01-01T00:00:00Z"),
                ContentDigest.of(dir), "0".repeat(64), minRoot, "bin/agent", "bin/agent --health", 60);
        Files.write(dir.resolve(LayerManifest.FILE), m.toBytes());
        Files.write(dir.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(m, signer.getPrivate()));
        return dir;
    }

    /** The folder packed as a layer image with the real mksquashfs. */
    static Path image(Path folder, Path out) throws IOException, InterruptedException {
        return image(folder, out, new String[0]);
    }

    /**
     * The folder packed with mksquashfs pseudo definitions ({@code "bin/agent m 4755 0 0"}: an
     * entry's mode and owner changed, {@code "fifo i 644 0 0 f"}, {@code "null0 c 666 0 0 1 3"},
     * {@code "out s 777 0 0 ../x"}) applied after signing: what a tampering hand would do. Without
     * {@code -all-root} then, which would override the owners given (the tests run as root, so the
     * folder's own entries are root's anyway).
     */
    static Path image(Path folder, Path out, String... pseudo) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("mksquashfs", folder.toString(), out.toString(), "-noappend",
                "-no-progress", "-quiet"));
        if (pseudo.length == 0) {
            cmd.add("-all-root");
        }
        for (String p : pseudo) {
            cmd.add("-p");
            cmd.add(p);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("mksquashfs failed: " + log);
        }
        return out;
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
