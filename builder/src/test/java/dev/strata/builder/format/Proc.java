package dev.strata.builder.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host program with an argument list (no shell) for the tests. */
record Proc(int exit, String output) {

    static Proc run(Path dir, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(args)).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", args));
        }
        return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs and fails the calling test with the output when the exit code is not 0. */
    static String ok(Path dir, String... args) throws IOException, InterruptedException {
        Proc r = run(dir, args);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    static boolean available(String tool) {
        try {
            return run(null, tool, "--version").exit() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
