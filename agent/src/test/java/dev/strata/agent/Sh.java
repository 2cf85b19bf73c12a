package dev.strata.agent;

import dev.strata.agent.plane.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test helper: run a program (argument list) and insist that it works. */
final class Sh {

    private Sh() {
    }

    static String run(String... command) {
        Commands.Result r = Commands.run(List.of(command), null, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.why());
        }
        return r.stdout();
    }

    static Commands.Result tryRun(String... command) {
        return Commands.run(List.of(command), null, Duration.ofSeconds(60));
    }

    /** The same command inside network namespace {@code ns}. */
    static String in(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return run(c.toArray(String[]::new));
    }

    static Commands.Result tryIn(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return tryRun(c.toArray(String[]::new));
    }
}
