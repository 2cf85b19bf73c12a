package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.agent.plane.Commands;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behaviour CloudStack's own VR has and Strata's agent now matches, with real traffic (router,
 * outside and guest namespaces, the port forward 203.0.113.2:8080 -> 10.1.1.10:80 of
 * router.json): hairpin NAT (a guest reaching a port forward by its public address, here its
 * own), DNAT of the router's own traffic, and the per-public-interface usage counters behind
 * netusage.sh -g (the very front, over the agent's socket). CloudStack's third item, dropping
 * traffic to the router's own ports that no service opened, needs the input chain (issue 12).
 */
class CloudStackParityTest {

    @Test
    void hairpinRouterDnatAndUsageCounters() throws Exception {
        Path work = Files.createTempDirectory("sa-cs-parity");
        try (Topology net = Topology.full();
             NetHelperProcess outside = new NetHelperProcess(net.outside, "tcp:9000");
             NetHelperProcess guest1 = new NetHelperProcess(net.guest1, "tcp:80");
             AgentProcess agent = new AgentProcess(net.router, work).start()) {
            String config;
            try (InputStream in = getClass().getResourceAsStream("router.json")) {
                config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", config);
            assertThat(r.status()).as(r.body()).isEqualTo(200);

            assertThat(outside.tcp("203.0.113.2", 8080)).as("the forward itself").isEqualTo("ok seen 203.0.113.1 on 80");
            // Hairpin: without it the guest would get its own address back as the source and drop the answer.
            assertThat(guest1.tcp("203.0.113.2", 8080)).as("hairpin NAT").isEqualTo("ok seen 10.1.1.1 on 80");
            try (NetHelperProcess router = new NetHelperProcess(net.router)) {
                assertThat(router.tcp("203.0.113.2", 8080)).as("DNAT of the router's own traffic").isEqualTo("ok seen 203.0.113.2 on 80");
            }
            assertThat(guest1.tcp("203.0.113.1", 9000)).as("out through source NAT").isEqualTo("ok seen 203.0.113.2 on 9000");

            Commands.Result u = Commands.run(List.of("env", "STRATA_AGENT_SOCKET=" + agent.socket,
                    CloudStackFrontsTest.BIN.resolve("netusage.sh").toString(), "-g"), null, Duration.ofSeconds(30));
            assertThat(u.exit()).as(u.stdout()).isZero();
            String[] f = u.stdout().trim().split(":");
            assertThat(f).as(u.stdout()).hasSize(1 * 2);
            assertThat(Long.parseLong(f[0])).as("sent").isPositive();
            assertThat(Long.parseLong(f[1])).as("received").isPositive();
            Commands.Result one = Commands.run(List.of("env", "STRATA_AGENT_SOCKET=" + agent.socket,
                    CloudStackFrontsTest.BIN.resolve("netusage.sh").toString(), "-g", "-l", "198.51.100.99"), null, Duration.ofSeconds(30));
            assertThat(one.stdout().trim()).as("no public interface holds that address").isEmpty();
        } finally {
            Sh.tryRun("rm", "-rf", "--", work.toString());
        }
    }
}
