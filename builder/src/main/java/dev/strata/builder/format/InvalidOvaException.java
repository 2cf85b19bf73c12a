package dev.strata.builder.format;

import java.io.IOException;
import java.util.List;

/** An OVA that fails {@link OvaReader#verify}; {@link #problems()} lists every finding. */
public final class InvalidOvaException extends IOException {

    private final List<String> problems;

    public InvalidOvaException(String ova, List<String> problems) {
        super("invalid OVA " + ova + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
