package dev.strata.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a real process inside a network namespace, started from this JVM's classpath
 * with the VR's JVM options (the layer's agent.jvm.options), driven through its Unix socket.
 */
final class AgentProcess implements AutoCloseable {

    final Path socket;
    final Path stateDir;
    final Path log;
    private final String ns;
    private final List<String> extraArgs;
    private String version = "test-1.2.3";
    private List<String> jvmOptions = List.of();
    private Process process;

    AgentProcess(String ns, Path workDir, String... extraArgs) {
        this.ns = ns;
        this.socket = workDir.resolve("run/agent.sock");
        this.stateDir = workDir.resolve("state");
        this.log = workDir.resolve("agent.log");
        this.extraArgs = List.of(extraArgs);
    }

    /** JVM options after the layer's (a later option wins: {@code -Xmx12m} overrides the file's heap). */
    AgentProcess jvm(String... options) {
        this.jvmOptions = List.of(options);
        return this;
    }

    /** The version the agent reports (what a layer's launcher passes). */
    AgentProcess version(String v) {
        this.version = v;
        return this;
    }

    AgentProcess start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                AgentJvm.argument()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dstrata.version=" + version, "-cp", System.getProperty("java.class.path"), "dev.strata.agent.Main",
                "--socket", socket.toString(), "--state-dir", stateDir.toString()));
        cmd.addAll(extraArgs);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // as the layer's launcher sets it
        process = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited " + process.exitValue() + ": " + Files.readString(log));
            }
            // The start-up line comes after the socket is restricted to root; health after the re-apply.
            if (Files.exists(socket) && Files.readString(log).contains("strata-agent ")) {
                try {
                    if (http().get("/v1/health").status() == 200) {
                        return this;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("agent not healthy within 30 s: " + Files.readString(log));
    }

    UnixHttp http() {
        return new UnixHttp(socket, Duration.ofSeconds(60));
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no goodbye; what a crash looks like. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
