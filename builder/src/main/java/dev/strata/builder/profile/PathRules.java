package dev.strata.builder.profile;

/**
 * Checks for paths written in profiles. They are strings for the image, not host paths, so
 * they are checked as text with '/' separators rather than through {@link java.nio.file.Path}
 * (whose rules depend on the build host).
 */
final class PathRules {

    static final String ABSOLUTE = "an absolute path without '.', '..' or empty parts";
    static final String RELATIVE = "a relative path without '.', '..' or empty parts";

    private PathRules() {
    }

    /** {@code /etc/hostname} yes; {@code etc/hostname}, {@code /etc/../x}, {@code /etc//x}, {@code /etc/} no. */
    static boolean isAbsoluteNormal(String path) {
        return path.startsWith("/") && isRelativeNormal(path.substring(1));
    }

    /** {@code VERSION}, {@code bin/x} yes; {@code /x}, {@code ../x}, {@code ./x}, {@code x/} no. */
    static boolean isRelativeNormal(String path) {
        if (path.isEmpty() || path.startsWith("/")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** A relative path prefix: like {@link #isRelativeNormal} but may end in '/' (a whole folder). */
    static boolean isRelativePrefix(String path) {
        return isRelativeNormal(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }
}
