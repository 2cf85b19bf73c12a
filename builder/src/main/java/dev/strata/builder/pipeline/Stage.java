package dev.strata.builder.pipeline;

import dev.strata.builder.tools.CommandFailedException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Runs one named build step and reports its time, output size and details. */
final class Stage {

    private final Reporter reporter;

    Stage(Reporter reporter) {
        this.reporter = reporter;
    }

    /** The value a step returns, with what to report about it. */
    record Outcome<T>(T value, long bytes, boolean cached, Map<String, Object> details) {
        static <T> Outcome<T> of(T value, long bytes) {
            return new Outcome<>(value, bytes, false, Map.of());
        }
    }

    <T> T run(String name, String description, Supplier<Outcome<T>> step) {
        reporter.stageStarted(name, description);
        long start = System.nanoTime();
        Outcome<T> outcome;
        try {
            outcome = step.get();
        } catch (CommandFailedException e) {
            throw BuildFailure.explain(name, e, null);
        } catch (UncheckedIOException e) {
            throw BuildFailure.fromIo(name, e);
        }
        reporter.stageFinished(name, description, Duration.ofNanos(System.nanoTime() - start), outcome.bytes(),
                outcome.cached(), new LinkedHashMap<>(outcome.details()));
        return outcome.value();
    }
}
