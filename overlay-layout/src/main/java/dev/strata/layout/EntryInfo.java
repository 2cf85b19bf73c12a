package dev.strata.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * One entry of a layer as the digest and the install rules see it: its type ({@code f} regular
 * file, {@code d} folder, {@code l} symbolic link, {@code p} FIFO, {@code c}/{@code b} device,
 * {@code s} socket, {@code ?} other), the mode's low twelve bits (permissions plus setuid, setgid
 * and sticky: {@link java.nio.file.attribute.PosixFilePermission} has no place for those three),
 * owner and group. Read from the {@code unix:} attributes without following links.
 */
record EntryInfo(char type, int mode, int uid, int gid) {

    /** The ids of this process (the owner of /proc/self), whose files count as root's when it is not root. */
    private static final int[] SELF = self();

    static EntryInfo of(Path p, ContentDigest.Owners owners) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int raw = (Integer) a.get("mode");
        char type = switch (raw & 0170000) {
            case 0100000 -> 'f';
            case 0040000 -> 'd';
            case 0120000 -> 'l';
            case 0010000 -> 'p';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0140000 -> 's';
            default -> '?';
        };
        // A link's own mode means nothing on Linux (always 0777); recorded as such.
        int mode = type == 'l' ? 0777 : raw & 07777;
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        if (owners == ContentDigest.Owners.ALL_ROOT) {
            uid = 0;
            gid = 0;
        } else if (SELF[0] != 0) {
            uid = uid == SELF[0] ? 0 : uid;
            gid = gid == SELF[1] ? 0 : gid;
        }
        return new EntryInfo(type, mode, uid, gid);
    }

    static String describe(char type) {
        return switch (type) {
            case 'f' -> "a regular file";
            case 'd' -> "a folder";
            case 'l' -> "a symbolic link";
            case 'p' -> "a FIFO (named pipe)";
            case 'c' -> "a character device";
            case 'b' -> "a block device";
            case 's' -> "a socket";
            default -> "a file of an unknown type";
        };
    }

    private static int[] self() {
        try {
            Map<String, Object> a = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
            return new int[] {(Integer) a.get("uid"), (Integer) a.get("gid")};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell this process's user from /proc/self", e);
        }
    }
}
