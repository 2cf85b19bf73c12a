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
            stopStale(unit, argv);
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
            Files.writeString(logDir.resolve(unit + ".pid"), Long.toString(started.pid()));
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

    /**
     * A daemon a previous agent started and that outlived it (the parent-death signal is cleared
     * when a daemon changes its credentials, as dnsmasq does): stopped if its command line is
     * ours, so that the new one can bind its ports. Its state (leases) is in files and stays.
     */
    private void stopStale(String unit, List<String> argv) throws IOException {
        Path pidFile = logDir.resolve(unit + ".pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (h.isPresent() && Files.exists(cmdline)
                    && new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8).contains(argv.get(argv.size() - 1))) {
                h.get().destroy();
                h.get().onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (NumberFormatException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // not ours or already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(pidFile);
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
        if (p != null && !p.isAlive()) {
            System.err.println("supervisor: " + unit + " (pid " + p.pid() + ") exited " + p.exitValue());
        }
        return p != null && p.isAlive();
    }

    @Override
    public long pid(String unit) {
        Process p = children.get(unit);
        return p != null && p.isAlive() ? p.pid() : -1;
    }
}
