package dev.strata.builder.tools;

import java.util.List;
import java.util.stream.Collectors;

/** Host tools are missing and could not be installed; the message has the exact command to run. */
public class MissingToolsException extends RuntimeException {

    private final List<HostTool> missing;

    public MissingToolsException(List<HostTool> missing, String installCommand) {
        super("missing host tools: " + missing.stream().map(HostTool::command).collect(Collectors.joining(", "))
                + "; install them with: " + installCommand);
        this.missing = List.copyOf(missing);
    }

    public List<HostTool> missing() {
        return missing;
    }
}
