package dev.strata.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 of a layer folder's content: every entry in path order with its type, mode, and
 * content (or link target). The manifest and its signature are left out: they describe the
 * content, they are not part of it.
 */
public final class ContentDigest {

    private ContentDigest() {
    }

    public static String of(Path layerDir) {
        return of(layerDir, rel -> true);
    }

    /** The digest of only the entries whose path (relative to the layer root) passes the filter. */
    public static String of(Path layerDir, java.util.function.Predicate<String> include) {
        MessageDigest sha = sha256();
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(layerDir)) {
            entries = walk.filter(p -> !p.equals(layerDir)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] buf = new byte[1 << 16];
        for (Path p : entries) {
            String rel = layerDir.relativize(p).toString();
            if (rel.equals(LayerManifest.FILE) || rel.equals(LayerManifest.SIGNATURE_FILE) || !include.test(rel)) {
                continue;
            }
            try {
                String mode = Files.isSymbolicLink(p) ? "link"
                        : PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d" : "f";
                sha.update((type + " " + mode + " " + rel + "\n").getBytes(StandardCharsets.UTF_8));
                if (type.equals("l")) {
                    sha.update((Files.readSymbolicLink(p) + "\n").getBytes(StandardCharsets.UTF_8));
                } else if (type.equals("f")) {
                    try (InputStream in = Files.newInputStream(p)) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            sha.update(buf, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
