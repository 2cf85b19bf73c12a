package dev.strata.builder.profile;

import java.nio.file.Path;

/**
 * A profile that cannot be loaded, with the place to fix it. The message reads
 * {@code <file>:<line>:<column>: <problem>}, the form editors and CI logs turn into links.
 */
public class ProfileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    private final String problem;

    /**
     * @param file    the profile file the problem is in
     * @param line    1-based line, 0 if unknown
     * @param column  1-based column, 0 if unknown
     * @param problem what is wrong, without the location
     */
    public ProfileException(Path file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    ProfileException(SourceLocation at, String problem) {
        this(at.file(), at.line(), at.column(), problem);
    }

    ProfileException(SourceLocation at, String problem, Throwable cause) {
        this(at.file(), at.line(), at.column(), problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the location prefix. */
    public String problem() {
        return problem;
    }
}
