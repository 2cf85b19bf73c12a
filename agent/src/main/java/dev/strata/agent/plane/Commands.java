package dev.strata.agent.plane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program with an argument list (never a shell), feeding stdin and collecting both outputs. */
public final class Commands {

    private Commands() {
    }

    /** What a program did. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        /** The error output, trimmed to what a person reads in an API error. */
        public String why() {
            String s = stderr.isBlank() ? stdout : stderr;
            s = s.strip();
            return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
        }
    }

    /** Text written to a program's standard input as it is produced, so that a large input is never held whole. */
    @FunctionalInterface
    public interface Text {
        void writeTo(Appendable out) throws IOException;
    }

    public static Result run(List<String> command, String stdin, Duration timeout) {
        return feed(command, stdin == null ? null : out -> out.append(stdin), timeout);
    }

    /** Runs {@code command} with what {@code stdin} writes as its standard input (null: none). */
    public static Result feed(List<String> command, Text stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(command, 127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (Writer in = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), 64 * 1024)) {
            if (stdin != null) {
                stdin.writeTo(in);
            }
        } catch (IOException e) {
            // the program exited before reading everything: its exit code and stderr say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new Result(command, 124, "", command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(command, p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(command, 130, "", "interrupted");
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                f.complete(b.toByteArray());
            } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
