package dev.strata.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mount points below a folder, from {@code /proc/self/mountinfo}. A root filesystem whose
 * mmdebstrap was killed can still have /proc, /sys or /dev mounted inside it; deleting through
 * such a mount would delete the build host's own files, so deletions check here first.
 */
public final class Mounts {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {
    }

    /** Mount points at or below {@code dir}, deepest first. */
    public static List<Path> below(Path dir) {
        if (!Files.isReadable(MOUNTINFO)) {
            return List.of();
        }
        Path base = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    Path mountPoint = Path.of(unescape(f[4]));
                    if (mountPoint.startsWith(base)) {
                        found.add(mountPoint);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /**
     * Lazily unmounts everything mounted below {@code dir}, deepest first: what a killed
     * mmdebstrap leaves in its tree. Only for folders of builds that are gone.
     */
    public static void unmountBelow(Path dir) throws IOException {
        for (Path mountPoint : below(dir)) {
            try {
                Process p = new ProcessBuilder(List.of("umount", "--lazy", mountPoint.toString()))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) {
                    throw new IOException("cannot unmount " + mountPoint + " (left by a killed build); unmount it by "
                            + "hand: umount -R " + dir);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unmounting " + mountPoint, e);
            }
        }
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
