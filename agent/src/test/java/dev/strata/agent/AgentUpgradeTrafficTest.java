package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An upgrade of the agent (what a live layer switch does: the old agent stops, the new one
 * starts from the same state) does not touch the kernel's packet path: an established TCP
 * connection through static NAT keeps flowing, every echo comes back, and new connections
 * through a port forward keep being accepted while the agent is away. Counted, not sampled.
 */
class AgentUpgradeTrafficTest {

    @Test
    void forwardedAndEstablishedTrafficKeepsFlowingWhileTheAgentIsReplaced() throws Exception {
        Path work = Files.createTempDirectory("sa-upgrade");
        try (Topology net = Topology.full();
             NetHelperProcess guest1 = new NetHelperProcess(net.guest1, "tcp:80");
             NetHelperProcess outside = new NetHelperProcess(net.outside)) {
            AgentProcess agent = new AgentProcess(net.router, work).version("1.0").start();
            String config;
            try (InputStream in = getClass().getResourceAsStream("router.json")) {
                config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(agent.http().send("PUT", "/v1/config", config).status()).isEqualTo(200);
            assertThat(outside.tcp("203.0.113.2", 8080)).isEqualTo("ok seen 203.0.113.1 on 80");

            Process server = peer(net.guest2, "server", "80");
            assertThat(firstLine(server)).isEqualTo("ready");
            // one connection through static NAT (203.0.113.3 -> 10.1.2.20), a line every 10 ms for 12 s
            Process client = peer(net.outside, "client", "203.0.113.3", "80", "12", "10");
            BufferedReader clientOut = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(clientOut.readLine()).isEqualTo("connected");

            Thread.sleep(2000);
            agent.kill();
            List<String> duringSwitch = new ArrayList<>();
            long t0 = System.nanoTime();
            AgentProcess next = new AgentProcess(net.router, work).version("2.0");
            Thread starter = new Thread(() -> {
                try {
                    next.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            starter.start();
            while (starter.isAlive()) {
                duringSwitch.add(outside.tcp("203.0.113.2", 8080)); // new connections while no agent runs
            }
            long switchMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(next.http().get("/v1/health").body()).containsPattern("\"version\"\\s*:\\s*\"2\\.0\"");

            String summary = clientOut.readLine();
            while (summary != null && !summary.startsWith("sent=")) {
                summary = clientOut.readLine();
            }
            client.waitFor();
            server.destroyForcibly();
            next.close();
            System.out.printf("agent replaced in %d ms; stream: %s; new connections during the switch: %d, all ok: %s%n",
                    switchMs, summary, duringSwitch.size(), duringSwitch.stream().allMatch(s -> s.startsWith("ok")));

            Matcher m = Pattern.compile("sent=(\\d+) echoed=(\\d+) errors=(\\d+)").matcher(summary);
            assertThat(m.find()).as(summary).isTrue();
            assertThat(Long.parseLong(m.group(1))).isGreaterThan(300);
            assertThat(m.group(3)).as("errors on the established connection: " + summary).isEqualTo("0");
            assertThat(m.group(2)).as("every line came back").isEqualTo(m.group(1));
            assertThat(duringSwitch).isNotEmpty().allMatch(s -> s.equals("ok seen 203.0.113.1 on 80"));
        } finally {
            Sh.tryRun("rm", "-rf", "--", work.toString());
        }
    }

    private static Process peer(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), StreamPeer.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
}
