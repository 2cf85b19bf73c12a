package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.agent.UnixHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata vr} against a real agent process, run in a network namespace of its own (with
 * two veth interfaces) so that its nft table and addresses never touch this machine's.
 */
class VrCommandTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    final String ns = "sa" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "-cli";
    Process agent;
    Path socket;

    @BeforeEach
    void startAgent() throws Exception {
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "add", "sa-pub", "type", "veth", "peer", "name", "sa-g1");
        socket = tmp.resolve("run/agent.sock");
        agent = new ProcessBuilder("ip", "netns", "exec", ns, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Dstrata.version=cli-test", "-cp", System.getProperty("java.class.path"),
                "dev.strata.agent.Main", "--socket", socket.toString(), "--state-dir", tmp.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 300; i++) {
            if (Files.exists(socket) && Files.readString(tmp.resolve("agent.log")).contains("strata-agent ")) {
                try {
                    if (new UnixHttp(socket, Duration.ofSeconds(5)).get("/v1/health").status() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // starting
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("agent did not start: " + Files.readString(tmp.resolve("agent.log")));
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null) {
            agent.destroyForcibly();
            agent.waitFor();
        }
        new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
    }

    @Test
    void applyDiffShowHistoryRollbackAndHealth() throws Exception {
        Path v1 = write("v1.json", "{\"interfaces\":[{\"name\":\"sa-pub\",\"role\":\"public\",\"addresses\":[\"203.0.113.2/24\"]}],"
                + "\"firewall\":[{\"publicIp\":\"203.0.113.2\",\"protocol\":\"tcp\",\"ports\":\"22\"}]}");
        Path v2 = write("v2.json", "{\"interfaces\":[{\"name\":\"sa-pub\",\"role\":\"public\",\"addresses\":[\"203.0.113.2/24\"]}],"
                + "\"firewall\":[{\"publicIp\":\"203.0.113.2\",\"protocol\":\"tcp\",\"ports\":\"22\"},"
                + "{\"publicIp\":\"203.0.113.2\",\"protocol\":\"udp\",\"ports\":\"53\"}]}");
        String sock = socket.toString();

        assertThat(StrataCli.run("vr", "health", "--socket", sock)).isZero();
        assertThat(console.out()).contains("ok: version cli-test, generation 0");

        assertThat(StrataCli.run("vr", "apply", v1.toString(), "--diff", "--socket", sock)).isZero();
        assertThat(console.out()).contains("applied: generation 1", "firewall: +1 -0",
                "+ {\"publicIp\":\"203.0.113.2\",\"protocol\":\"tcp\",\"ports\":\"22\"}");

        console.resetOut();
        assertThat(StrataCli.run("vr", "diff", v2.toString(), "--ruleset", "--socket", sock)).isZero();
        assertThat(console.out()).contains("changes from generation 1", "nft: element updates only",
                "add element inet strata fw_l4_4 { 203.0.113.2 . udp . 53 . 0.0.0.0/0 }");

        console.resetOut();
        assertThat(StrataCli.run("vr", "apply", v2.toString(), "--socket", sock)).isZero();
        assertThat(console.out()).as("counts only, unless --diff").contains("firewall: +1 -0").doesNotContain("\"udp\"");
        console.resetOut();
        assertThat(StrataCli.run("vr", "history", "--socket", sock)).isZero();
        assertThat(console.out()).containsPattern("1\\s+\\S+\\s+apply").containsPattern("2\\s+\\S+\\s+apply");

        console.resetOut();
        assertThat(StrataCli.run("vr", "rollback", "1", "--diff", "--socket", sock)).isZero();
        assertThat(console.out()).contains("rolled back to generation 1: now generation 3", "- {\"publicIp\":\"203.0.113.2\",\"protocol\":\"udp\"");

        console.resetOut();
        assertThat(StrataCli.run("vr", "show", "--socket", sock, "--json")).isZero();
        assertThat(console.out()).contains("\"inSync\" : true", "\"generation\" : 3");
        console.resetOut();
        assertThat(StrataCli.run("vr", "show", "--socket", sock)).isZero();
        assertThat(console.out()).contains("desired generation 3 (rollback to 1", "applied generation 3, in sync", "firewall       1");
    }

    @Test
    void refusalsPrintEachProblemAndExit2AndAMissingAgentExits1() throws Exception {
        Path bad = write("bad.json", "{\"firewall\":[{\"publicIp\":\"203.0.113.256\",\"protocol\":\"tcp\",\"ports\":\"99999\"}]}");
        assertThat(StrataCli.run("vr", "apply", bad.toString(), "--socket", socket.toString())).isEqualTo(2);
        assertThat(console.err()).contains("firewall[0].publicIp = 203.0.113.256: not an IPv4 or IPv6 address",
                "firewall[0].ports = 99999");
        assertThat(StrataCli.run("vr", "health", "--socket", tmp.resolve("none.sock").toString())).isEqualTo(1);
        assertThat(console.err()).contains("cannot connect to");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }
}
