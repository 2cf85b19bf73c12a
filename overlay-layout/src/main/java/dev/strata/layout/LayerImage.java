package dev.strata.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A layer as one file: a squashfs image (compressed, read-only) holding the layer's files and,
 * at its root, {@code manifest.properties} and {@code manifest.sig}. Nothing in it is trusted
 * until the extracted folder passes {@link LayerStore#verify}. Extraction is done by
 * {@code unsquashfs} (squashfs-tools): the JDK cannot read squashfs, and no Java library reads
 * zstd-compressed squashfs.
 */
public final class LayerImage {

    /** "hsqs": the little-endian squashfs superblock magic. */
    private static final byte[] MAGIC = {'h', 's', 'q', 's'};

    private LayerImage() {
    }

    /** True when the file (or block device) starts with a squashfs superblock. */
    public static boolean isImage(Path file) {
        if (Files.isDirectory(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return java.util.Arrays.equals(head, MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** Unpacks the image into {@code into}, which must not exist yet. */
    public static void extract(Path image, Path into) throws IOException {
        List<String> cmd = List.of("unsquashfs", "-no-xattrs", "-no-progress", "-quiet", "-d", into.toString(),
                image.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LayerException("cannot run unsquashfs (package squashfs-tools) to unpack " + image + ": "
                    + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new LayerException("unsquashfs did not finish unpacking " + image + " in 10 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LayerException("interrupted while unpacking " + image);
        }
        if (p.exitValue() != 0) {
            String tail = out.strip();
            if (tail.contains("No space left") || tail.contains("no space left")) {
                throw new IOException("No space left on device (" + tail.lines().reduce((a, b) -> b).orElse("") + ")");
            }
            throw new LayerException("cannot unpack " + image + " (not a valid layer image?): unsquashfs says: "
                    + tail.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()));
        }
    }
}
