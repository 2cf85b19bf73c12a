package dev.strata.builder.profile;

import java.nio.file.Path;

/**
 * A position in a profile file. Every parsed YAML node carries one, so that an error found
 * after {@code extends:} merging still points at the file and line that set the value.
 *
 * @param file   absolute, normalised path of the profile file
 * @param line   1-based line, 0 if unknown
 * @param column 1-based column, 0 if unknown
 */
record SourceLocation(Path file, int line, int column) {

    /** For errors about a file as a whole (unreadable, empty). */
    static SourceLocation of(Path file) {
        return new SourceLocation(file, 0, 0);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
