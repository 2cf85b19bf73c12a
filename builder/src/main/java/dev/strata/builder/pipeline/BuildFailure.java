package dev.strata.builder.pipeline;

import dev.strata.builder.tools.CommandFailedException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build stage failed for a reason a person can act on. The message is one clear line saying
 * what went wrong and what to do; the full output is in the build log.
 */
public class BuildFailure extends RuntimeException {

    private static final Pattern NO_PACKAGE = Pattern.compile("Unable to locate package (\\S+)");
    private static final Pattern NO_CANDIDATE = Pattern.compile("Package '?([^' ]+)'? has no installation candidate");

    private final String stage;

    public BuildFailure(String stage, String message) {
        super(stage + ": " + message);
        this.stage = stage;
    }

    public BuildFailure(String stage, String message, Throwable cause) {
        super(stage + ": " + message, cause);
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }

    /** An I/O error: disk full gets its own clear line, anything else names the file. */
    public static BuildFailure fromIo(String stage, java.io.UncheckedIOException e) {
        String all = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            all += " " + t.getMessage();
        }
        if (all.contains("No space left on device")) {
            return new BuildFailure(stage, "disk full (" + e.getCause().getMessage()
                    + "): free some space or pass --cache-dir/--output on a bigger disk", e);
        }
        return new BuildFailure(stage, "I/O error: " + all.strip(), e);
    }

    /** Turns a failed command's output into the one line that says which problem it was. */
    public static BuildFailure explain(String stage, CommandFailedException e, Path workDir) {
        List<String> tail = e.outputTail();
        String text = String.join("\n", tail);
        Matcher m = NO_PACKAGE.matcher(text);
        if (m.find()) {
            return new BuildFailure(stage, "package '" + m.group(1)
                    + "' not found in the configured Debian sources: check the profile's packages list", e);
        }
        m = NO_CANDIDATE.matcher(text);
        if (m.find()) {
            return new BuildFailure(stage, "package '" + m.group(1)
                    + "' exists but cannot be installed from these sources: check the suite and components", e);
        }
        if (text.contains("No space left on device")) {
            return new BuildFailure(stage, "disk full" + (workDir == null ? "" : " while writing under " + workDir)
                    + ": free some space or pass --cache-dir/--output on a bigger disk", e);
        }
        if (text.contains("Temporary failure resolving") || text.contains("Could not resolve")
                || text.contains("Failed to fetch") || text.contains("Could not connect")
                || text.contains("Connection timed out") || text.contains("Unable to connect")) {
            return new BuildFailure(stage, "cannot reach the Debian mirror: check the network or the host's apt "
                    + "sources, or pass --mirror <URL>", e);
        }
        String last = tail.isEmpty() ? "(no output)" : tail.get(tail.size() - 1);
        return new BuildFailure(stage, e.command().get(0) + " failed (exit " + e.exitCode() + "): " + last
                + " (full output in the build log)", e);
    }
}
