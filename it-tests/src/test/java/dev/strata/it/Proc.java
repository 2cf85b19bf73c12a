package dev.strata.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a host program (argument list, no shell) and returns its exit code and output. */
final class Proc {

    record Result(int exitCode, String output) {
    }

    private Proc() {
    }

    static Result run(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
