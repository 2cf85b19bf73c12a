package dev.strata.builder.format;

/**
 * One problem found when re-checking md5sum.txt / sha512sum.txt against the files.
 *
 * @param listFile the checksum list the problem was found through (md5sum.txt or sha512sum.txt)
 * @param fileName the file concerned (or the raw line for {@link Kind#MALFORMED_LINE})
 * @param kind     what is wrong
 * @param expected digest written in the list, or null
 * @param actual   digest of the file now, or null when the file is missing
 */
public record ChecksumMismatch(String listFile, String fileName, Kind kind, String expected, String actual) {

    public enum Kind {
        /** The file's digest differs from the list. */
        DIGEST_DIFFERS,
        /** The list names a file that is not in the folder. */
        FILE_MISSING,
        /** The checksum list itself is absent. */
        LIST_MISSING,
        /** A line is not {@code <hex>  <name>}. */
        MALFORMED_LINE,
        /** One list names the file, the other does not. */
        NOT_IN_BOTH_LISTS
    }

    @Override
    public String toString() {
        return listFile + ": " + fileName + ": " + kind
                + (expected != null || actual != null ? " (expected " + expected + ", actual " + actual + ")" : "");
    }
}
