package dev.strata.builder.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs host programs with argument lists (never through a shell), appends everything they print
 * to the build log, feeds each line to an optional listener (for progress), and keeps the last
 * lines for the error message when the program fails.
 */
public final class CommandRunner {

    private static final int TAIL_LINES = 25;

    /**
     * Programs still running when the JVM exits (Ctrl-C, SIGTERM, Maven stopping) get SIGTERM, so
     * that mmdebstrap and friends clean up (unmount, remove temporaries) instead of running on
     * orphaned.
     */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : RUNNING) {
                p.destroy();
            }
            for (Process p : RUNNING) {
                try {
                    p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "strata-stop-children"));
    }

    private final Path logFile;

    /** @param logFile file that receives every command line and its output; null for none */
    public CommandRunner(Path logFile) {
        this.logFile = logFile;
    }

    /** A command to run: arguments, optional working folder, extra environment, optional stdin text. */
    public record Command(List<String> args, Path workDir, Map<String, String> env, byte[] stdin) {

        public Command {
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }

        public static Command of(String... args) {
            return new Command(List.of(args), null, Map.of(), null);
        }

        public static Command of(List<String> args) {
            return new Command(args, null, Map.of(), null);
        }

        public Command in(Path dir) {
            return new Command(args, dir, env, stdin);
        }

        public Command withEnv(String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(env);
            copy.put(key, value);
            return new Command(args, workDir, copy, stdin);
        }

        /** Removes a variable the program would otherwise inherit. */
        public Command withoutEnv(String key) {
            return withEnv(key, "");
        }

        public Command withStdin(String text) {
            return new Command(args, workDir, env, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs the command; throws {@link CommandFailedException} on a non-zero exit. Returns its output. */
    public String run(Command command) {
        return run(command, line -> { });
    }

    public String run(Command command, Consumer<String> lineListener) {
        ProcessBuilder pb = new ProcessBuilder(command.args()).redirectErrorStream(true);
        if (command.workDir() != null) {
            pb.directory(command.workDir().toFile());
        }
        command.env().forEach((k, v) -> {
            if (v.isEmpty()) {
                pb.environment().remove(k); // an empty value unsets: see Command.withoutEnv
            } else {
                pb.environment().put(k, v);
            }
        });
        pb.environment().putIfAbsent("LC_ALL", "C.UTF-8");
        log("$ " + String.join(" ", command.args()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CommandFailedException(command.args(), 127, List.of(e.getMessage()));
        }
        RUNNING.add(process);
        // Fed from its own thread: a program that reads all its input before it writes would
        // otherwise block us on a full pipe while we block it.
        Thread feeder = new Thread(() -> writeStdin(process, command.stdin()), "stdin-" + command.args().get(0));
        feeder.setDaemon(true);
        feeder.start();
        StringBuilder all = new StringBuilder();
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                all.append(line).append('\n');
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
                log(line);
                lineListener.accept(line);
            }
            int code = process.waitFor();
            if (code != 0) {
                throw new CommandFailedException(command.args(), code, new ArrayList<>(tail));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(command.args(), 130, List.of("interrupted"));
        } finally {
            RUNNING.remove(process);
        }
        return all.toString();
    }

    private static void writeStdin(Process process, byte[] stdin) {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // The program closed its input early; its exit status tells what happened.
        }
    }

    private synchronized void log(String line) {
        if (logFile == null) {
            return;
        }
        try {
            Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write build log " + logFile, e);
        }
    }

    /** Copies a stream fully; used by stages that pipe data between programs and files. */
    public static long copy(InputStream in, OutputStream out) throws IOException {
        return in.transferTo(out);
    }
}
