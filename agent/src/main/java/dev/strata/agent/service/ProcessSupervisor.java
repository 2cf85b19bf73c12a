package dev.strata.agent.service;

import dev.strata.agent.plane.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code --supervisor process}: daemons as the agent's own children, in the agent's network
 * namespace (tests and development outside the VM). Their output goes to
 * {@code <logDir>/<unit>.log}. They die with the agent (setpriv's parent-death signal): that is
 * what this mode is for, and a test's namespace is then left with no stray daemon. The kernel
 * sends that signal when the *thread* that forked exits, so children are forked from one
 * long-lived thread of this class, never from a request's.
 */
public final class ProcessSupervisor implements Supervisor {

    private final Map<String, Process> children = new ConcurrentHashMap<>();
    private final Path logDir;
    private final java.util.concurrent.ExecutorService forker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "supervisor");
        t.setDaemon(true);
        return t;
    });

    public ProcessSupervisor() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public ProcessSupervisor(Path logDir) {
        this.logDir = logDir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> children.keySet().forEach(this::stop), "stop-children"));
    }

    @Override
    public synchronized void ensureRunning(String unit, List<String> argv) {
        Process p = children.get(unit);
        if (p != null && p.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
            cmd.addAll(argv);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(unit + ".log").toFile()));
            Process started;
            try {
                started = forker.submit(pb::start).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            children.put(unit, started);
            // A daemon that refuses its configuration exits at once: say so instead of "started".
            if (started.waitFor(150, TimeUnit.MILLISECONDS)) {
                children.remove(unit);
                String log = Files.readString(logDir.resolve(unit + ".log"));
                throw new IllegalStateException(unit + " exited " + started.exitValue() + " at start: "
                        + log.substring(Math.max(0, log.length() - 2000)).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + unit + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting " + unit, e);
        }
    }

    @Override
    public synchronized void restart(String unit, List<String> argv) {
        stop(unit);
        ensureRunning(unit, argv);
    }

    @Override
    public void reload(String unit) {
        long pid = pid(unit);
        if (pid < 0) {
            throw new IllegalStateException(unit + " is not running");
        }
        Commands.Result r = Commands.run(List.of("kill", "-HUP", Long.toString(pid)), null, Duration.ofSeconds(5));
        if (!r.ok()) {
            throw new IllegalStateException("cannot signal " + unit + ": " + r.why());
        }
    }

    @Override
    public synchronized void stop(String unit) {
        Process p = children.remove(unit);
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean running(String unit) {
        Process p = children.get(unit);
        return p != null && p.isAlive();
    }

    @Override
    public long pid(String unit) {
        Process p = children.get(unit);
        return p != null && p.isAlive() ? p.pid() : -1;
    }
}
