package dev.strata.builder.tools;

import java.util.List;

/** A host command exited with a non-zero status; carries the tail of what it printed. */
public class CommandFailedException extends RuntimeException {

    private final List<String> command;
    private final int exitCode;
    private final List<String> outputTail;

    public CommandFailedException(List<String> command, int exitCode, List<String> outputTail) {
        super(command.get(0) + " failed with exit code " + exitCode
                + (outputTail.isEmpty() ? "" : ":\n  " + String.join("\n  ", outputTail)));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
    }

    public List<String> command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> outputTail() {
        return outputTail;
    }
}
