package dev.strata.agent.model;

/** One thing wrong with a request: where (JSON path such as {@code portForwards[2].publicPorts}), the value, and why. */
public record Problem(String path, String value, String message) {

    @Override
    public String toString() {
        return path + (value == null ? "" : " = " + value) + ": " + message;
    }
}
