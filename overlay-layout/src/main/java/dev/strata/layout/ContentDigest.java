package dev.strata.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * SHA-256 of a layer folder's content, format {@link #FORMAT}: every entry in path order with its
 * type, its whole mode (setuid, setgid and sticky included), its owner and group, its path, and
 * its bytes (or link target). The manifest and its signature are left out: they describe the
 * content, they are not part of it. Paths, targets and file contents are length-prefixed, so no
 * name (a new line in it, say) can make two different trees hash alike.
 *
 * <p>Format 1 (before issue 17) covered only type, the nine permission bits, path and bytes: a
 * signed layer could be given to another owner or a setuid bit and still verify. The manifest
 * names the format it was made with ({@code content-format}); a layer without it is format 1 and
 * is refused by {@link LayerStore#verify} with that reason.
 */
public final class ContentDigest {

    /** The digest format this code computes. */
    public static final int FORMAT = 2;

    /** Whose ownership the digest records. */
    public enum Owners {
        /**
         * The entries' owners as they are on disk. A process that is not root cannot create files
         * owned by root (unsquashfs gives it everything), so for it, entries it owns count as
         * root's; the system VM installs as root, where owners are exactly what the image says.
         */
        ON_DISK,
        /** Every entry as root:root: a tree about to be packed with {@code mksquashfs -all-root}. */
        ALL_ROOT
    }

    private ContentDigest() {
    }

    public static String of(Path layerDir) {
        return of(layerDir, Owners.ON_DISK, rel -> true);
    }

    /** The digest of only the entries whose path (relative to the layer root) passes the filter. */
    public static String of(Path layerDir, Predicate<String> include) {
        return of(layerDir, Owners.ON_DISK, include);
    }

    public static String of(Path layerDir, Owners owners, Predicate<String> include) {
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
                EntryInfo e = EntryInfo.of(p, owners);
                sha.update((e.type() + " " + String.format("%04o", e.mode()) + " " + e.uid() + " " + e.gid() + " ")
                        .getBytes(StandardCharsets.UTF_8));
                lengthPrefixed(sha, rel.getBytes(StandardCharsets.UTF_8));
                switch (e.type()) {
                    case 'l' -> lengthPrefixed(sha, Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
                    case 'f' -> {
                        sha.update((Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8));
                        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                sha.update(buf, 0, n);
                            }
                        }
                    }
                    case 'd' -> sha.update((byte) '\n');
                    default -> throw new LayerException("layer entry " + rel + " is " + EntryInfo.describe(e.type())
                            + "; a layer holds only regular files, folders and symbolic links");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void lengthPrefixed(MessageDigest sha, byte[] bytes) {
        sha.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
        sha.update(bytes);
        sha.update((byte) '\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
