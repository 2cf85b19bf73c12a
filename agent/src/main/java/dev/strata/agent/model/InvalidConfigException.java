package dev.strata.agent.model;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration was refused before anything was changed; carries every problem found. */
public final class InvalidConfigException extends RuntimeException {

    private final transient List<Problem> problems;

    public InvalidConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
