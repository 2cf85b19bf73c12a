package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent as a process in a router namespace between an "outside" namespace and two guest
 * "VM" namespaces, programmed through its API and checked with real TCP, UDP and ICMP traffic.
 * Steps share one topology and run in order; each says what it proves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterTrafficTest {

    static final ObjectMapper JSON = new ObjectMapper();

    Path work;

    Topology net;
    AgentProcess agent;
    NetHelperProcess outside;
    NetHelperProcess guest1;
    NetHelperProcess guest2;
    String config;

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("sa-agent");
        net = Topology.full();
        outside = new NetHelperProcess(net.outside, "tcp:25", "tcp:443", "tcp:9000");
        guest1 = new NetHelperProcess(net.guest1, "tcp:80", "tcp:22", "udp:5005");
        guest2 = new NetHelperProcess(net.guest2, "tcp:80", "tcp:22");
        agent = new AgentProcess(net.router, work).start();
        try (InputStream in = getClass().getResourceAsStream("router.json")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {agent, outside, guest1, guest2, net}) {
            if (c != null) {
                c.close();
            }
        }
        Sh.tryRun("rm", "-rf", "--", work.toString());
    }

    @Test
    @Order(1)
    void aNewAgentIsHealthyAtGenerationZeroWithItsVersion() throws Exception {
        JsonNode h = get("/v1/health");
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("version").asText()).isEqualTo("test-1.2.3");
        assertThat(h.path("generation").asLong()).isZero();
        assertThat(Sh.in(net.router, "nft", "list", "tables")).contains("table inet strata");
        assertThat(get("/v1/openapi.json").path("openapi").asText()).startsWith("3.");
    }

    @Test
    @Order(2)
    void theWholeConfigurationIsOneTransaction() throws Exception {
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", config);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("generation").asLong()).isEqualTo(1);
        JsonNode state = get("/v1/state");
        assertThat(state.at("/desired/generation").asLong()).isEqualTo(1);
        assertThat(state.at("/applied/generation").asLong()).isEqualTo(1);
        assertThat(state.at("/applied/inSync").asBoolean()).isTrue();
        String addrs = Sh.in(net.router, "ip", "-o", "addr", "show");
        assertThat(addrs).contains("sa-pub    inet 203.0.113.2/24", "sa-g1    inet 10.1.1.1/24", "sa-g2    inet 10.1.2.1/24");
        assertThat(Sh.in(net.router, "ip", "link", "show", "sa-g1")).contains("mtu 1450");
        assertThat(Sh.in(net.router, "ip", "route", "show", "table", "100")).contains("default via 203.0.113.1", "10.1.1.0/24 dev sa-g1");
        assertThat(Sh.in(net.router, "ip", "route", "show")).contains("192.0.2.0/24 via 10.1.1.254", "198.51.100.0/24 via 203.0.113.1");
        assertThat(Sh.in(net.router, "ip", "rule", "show")).contains("100:\tfrom 10.1.2.0/24 lookup 100");
    }

    @Test
    @Order(3)
    void portForwardsReachTheGuestAndShowTheClientAddress() throws Exception {
        assertThat(outside.tcp("203.0.113.2", 8080)).isEqualTo("ok seen 203.0.113.1 on 80");
        assertThat(outside.udp("203.0.113.2", 5005)).isEqualTo("ok seen 203.0.113.1 on 5005");
    }

    @Test
    @Order(4)
    void closedPortsAndCidrLimitedOpeningsStayClosed() throws Exception {
        assertThat(outside.tcp("203.0.113.2", 8081)).isEqualTo("timeout");
        // port 22 is open only from 198.51.100.0/24
        assertThat(outside.tcp("203.0.113.2", 22)).isEqualTo("timeout");
    }

    @Test
    @Order(5)
    void theOutsideSeesTheSourceNatAddressAndEgressPoliciesHold() throws Exception {
        assertThat(guest1.tcp("203.0.113.1", 9000)).isEqualTo("ok seen 203.0.113.2 on 9000");
        assertThat(guest1.tcp("203.0.113.1", 25)).as("egress allow-by-default network, tcp 25 blocked").isEqualTo("timeout");
        assertThat(guest2.tcp("203.0.113.1", 9000)).as("egress deny-by-default network").isEqualTo("timeout");
    }

    @Test
    @Order(6)
    void staticNatWorksBothWays() throws Exception {
        assertThat(outside.tcp("203.0.113.3", 80)).isEqualTo("ok seen 203.0.113.1 on 80");
        assertThat(guest2.tcp("203.0.113.1", 443)).isEqualTo("ok seen 203.0.113.3 on 443");
    }

    @Test
    @Order(7)
    void networkAclsDenyAndAllowByCidrPortAndIcmpType() throws Exception {
        // Firewall open on 203.0.113.3:22, but the tier's ACL allows port 22 only from 10.1.1.0/24.
        assertThat(outside.tcp("203.0.113.3", 22)).isEqualTo("timeout");
        assertThat(guest1.tcp("10.1.2.20", 22)).isEqualTo("ok seen 10.1.1.10 on 22");
        assertThat(guest1.tcp("10.1.2.20", 80)).isEqualTo("ok seen 10.1.1.10 on 80");
        // Rule 20 (deny echo-request from 10.1.1.0/24) comes before rule 30 (allow all from it).
        assertThat(ping(net.guest1, "10.1.2.20")).isFalse();
        assertThat(ping(net.guest2, "10.1.1.10")).as("egress of the tier allows, replies come back").isTrue();
    }

    @Test
    @Order(8)
    void theFirewallAnswersPingOnlyWhereItIsOpen() throws Exception {
        assertThat(ping(net.outside, "203.0.113.2")).isTrue();
        assertThat(ping(net.outside, "203.0.113.3")).isFalse();
        assertThat(pingEventually(net.outside, "2001:db8:ff::2")).as("IPv6 firewall opening for echo-request").isTrue();
    }

    @Test
    @Order(9)
    void countersComeFromTheKernelAndMove() throws Exception {
        JsonNode counters = get("/v1/counters");
        for (String name : new String[] {"port_forward", "fw_ingress_accept", "fw_ingress_drop", "static_nat_in", "static_nat_out",
            "source_nat", "egress_drop", "acl_web_in_allow", "acl_web_in_deny"}) {
            assertThat(packets(counters, name)).as(name).isPositive();
        }
    }

    @Test
    @Order(10)
    void aPatchChangesOneRuleAsSetElementsAndRollbackUndoesIt() throws Exception {
        String open = "{\"add\":[{\"publicIp\":\"203.0.113.2\",\"protocol\":\"tcp\",\"ports\":\"8081\"}]}";
        UnixHttp.Reply dry = agent.http().send("PATCH", "/v1/config/firewall?dryRun=true", open);
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        JsonNode d = JSON.readTree(dry.body());
        assertThat(d.path("nftScript").asText()).startsWith("add element inet strata fw_l4_4 { 203.0.113.2 . tcp . 8081 . 0.0.0.0/0 }");
        assertThat(d.at("/diff/parts/firewall/added/0/ports").asText()).isEqualTo("8081");
        assertThat(get("/v1/health").path("generation").asLong()).as("dry run changes nothing").isEqualTo(1);

        UnixHttp.Reply r = agent.http().send("PATCH", "/v1/config/firewall", open);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("generation").asLong()).isEqualTo(2);
        // Open now, and nothing listens on the router: the kernel answers with a reset.
        assertThat(outside.tcp("203.0.113.2", 8081)).isEqualTo("refused");

        long forwarded = packets(get("/v1/counters"), "port_forward");
        UnixHttp.Reply back = agent.http().send("POST", "/v1/rollback", "{\"generation\":1}");
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(JSON.readTree(back.body()).path("generation").asLong()).isEqualTo(3);
        assertThat(outside.tcp("203.0.113.2", 8081)).isEqualTo("timeout");
        assertThat(packets(get("/v1/counters"), "port_forward")).as("counters carried over").isGreaterThanOrEqualTo(forwarded);
        JsonNode history = get("/v1/history");
        assertThat(history.findValuesAsText("operation")).containsExactly("apply", "patch firewall (+1 -0)", "rollback to 1");
    }

    @Test
    @Order(20)
    void invalidValuesAre400sNamingFieldAndValueAndChangeNothing() throws Exception {
        String before = rulesetWithoutCounters();
        String[][] cases = {
            {"/portForwards/0", "publicPorts", "70000", "portForwards[0].publicPorts"},
            {"/portForwards/0", "publicPorts", "90-80", "portForwards[0].publicPorts"},
            {"/portForwards/0", "privateIp", "10.1.1.300", "portForwards[0].privateIp"},
            {"/interfaces/1", "addresses", "[\"10.1.1.1/33\"]", "interfaces[1].addresses[0]"},
            {"/firewall/0", "protocol", "tcpx", "firewall[0].protocol"},
            {"/firewall/1", "icmpCode", "300", "firewall[1].icmpCode"},
            {"/acls/0/rules/0", "cidrs", "[\"10.0.0.0/8\", \"not-a-cidr\"]", "acls[0].rules[0].cidrs[1]"},
            {"/interfaces/0", "name", "eth0;reboot", "interfaces[0].name"},
        };
        for (String[] c : cases) {
            ObjectNode doc = (ObjectNode) JSON.readTree(config);
            ObjectNode item = (ObjectNode) doc.at(c[0]);
            if (c[2].startsWith("[")) {
                item.set(c[1], JSON.readTree(c[2]));
            } else if (c[2].matches("\\d+") && c[1].startsWith("icmp")) {
                item.put(c[1], Integer.parseInt(c[2]));
            } else {
                item.put(c[1], c[2]);
            }
            UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", doc.toString());
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            JsonNode problem = JSON.readTree(r.body()).path("problems").get(0);
            assertThat(problem.path("path").asText()).as(r.body()).isEqualTo(c[3]);
            assertThat(r.body()).contains(c[2].startsWith("[") ? c[3].endsWith("[1]") ? "not-a-cidr" : "10.1.1.1/33" : c[2]);
        }
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(3);
        assertThat(rulesetWithoutCounters()).isEqualTo(before);
    }

    @Test
    @Order(21)
    void conflictsNameBothPlaces() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(config);
        ArrayNode pf = (ArrayNode) doc.get("portForwards");
        pf.add(((ObjectNode) pf.get(0).deepCopy()).put("privateIp", "10.1.1.11"));
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", doc.toString());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("portForwards[2].publicPorts", "conflicts with portForwards[0].publicPorts");

        ObjectNode doc2 = (ObjectNode) JSON.readTree(config);
        ((ArrayNode) doc2.at("/interfaces/2/addresses")).add("10.1.1.1/24");
        UnixHttp.Reply r2 = agent.http().send("PUT", "/v1/config", doc2.toString());
        assertThat(r2.status()).isEqualTo(400);
        assertThat(r2.body()).contains("interfaces[2].addresses[1]", "conflicts with interfaces[1].addresses[0]");
    }

    @Test
    @Order(22)
    void malformedJsonUnknownFieldsAndWrongTypesAreNamed() throws Exception {
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", "{\"portForwards\":[{\"publicIp\":\"203.0.113.2\",\"colour\":\"red\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("portForwards[0].colour");
        UnixHttp.Reply r2 = agent.http().send("PUT", "/v1/config", "{\"interfaces\":[{\"name\":\"x\",\"mtu\":\"big\"}]}");
        assertThat(r2.status()).isEqualTo(400);
        assertThat(r2.body()).contains("interfaces[0].mtu");
        UnixHttp.Reply r3 = agent.http().send("PUT", "/v1/config", "{\"interfaces\":[");
        assertThat(r3.status()).isEqualTo(400);
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(3);
    }

    @Test
    @Order(23)
    void aChangeTheKernelRefusesLeavesThePreviousStateAndGeneration() throws Exception {
        String before = rulesetWithoutCounters();
        long forwarded = packets(get("/v1/counters"), "port_forward");
        ObjectNode doc = (ObjectNode) JSON.readTree(config);
        // Valid on paper; the kernel refuses a gateway that no connected network reaches.
        ((ArrayNode) doc.get("routes")).addObject().put("destination", "10.9.0.0/16").put("gateway", "192.0.2.99");
        ((ArrayNode) doc.get("firewall")).addObject().put("publicIp", "203.0.113.2").put("protocol", "tcp").put("ports", "8081");
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", doc.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(r.body()).contains("ip refused a change", "previous state restored");
        assertThat(JSON.readTree(r.body()).path("generation").asLong()).isEqualTo(3);
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(3);
        assertThat(rulesetWithoutCounters()).isEqualTo(before);
        assertThat(packets(get("/v1/counters"), "port_forward")).as("the restored table carries the counters over")
                .isGreaterThanOrEqualTo(forwarded).isPositive();
        assertThat(outside.tcp("203.0.113.2", 8081)).isEqualTo("timeout");
        assertThat(outside.tcp("203.0.113.2", 8080)).isEqualTo("ok seen 203.0.113.1 on 80");
    }

    @Test
    @Order(24)
    void aMissingInterfaceIsRefusedBeforeAnythingChanges() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(config);
        ((ArrayNode) doc.get("interfaces")).addObject().put("name", "sa-nope").put("role", "guest");
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", doc.toString());
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("no such network interface on this router: sa-nope");
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(3);
    }

    @Test
    @Order(30)
    void afterACrashAndAWipedKernelTheAgentReappliesTheLastGenerationBeforeItIsHealthy() throws Exception {
        agent.kill();
        // What a reboot leaves: no table, no addresses, no rules or routes of ours.
        Sh.in(net.router, "nft", "delete", "table", "inet", "strata");
        for (String dev : new String[] {"sa-pub", "sa-g1", "sa-g2"}) {
            Sh.in(net.router, "ip", "addr", "flush", "dev", dev);
        }
        Sh.in(net.router, "ip", "rule", "del", "priority", "100");
        assertThat(outside.tcp("203.0.113.2", 8080)).isNotEqualTo("ok seen 203.0.113.1 on 80");

        agent = new AgentProcess(net.router, work).start();
        JsonNode h = get("/v1/health");
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("generation").asLong()).isEqualTo(3);
        assertThat(outside.tcp("203.0.113.2", 8080)).isEqualTo("ok seen 203.0.113.1 on 80");
        assertThat(outside.tcp("203.0.113.2", 8081)).isEqualTo("timeout");
        assertThat(guest1.tcp("203.0.113.1", 9000)).isEqualTo("ok seen 203.0.113.2 on 9000");
        assertThat(outside.tcp("203.0.113.3", 80)).isEqualTo("ok seen 203.0.113.1 on 80");
        assertThat(ping(net.guest1, "10.1.2.20")).isFalse();
        assertThat(Sh.in(net.router, "ip", "rule", "show")).contains("from 10.1.2.0/24 lookup 100");
    }

    @Test
    @Order(31)
    void theHealthProbeSaysOkAndFailsWithoutAnAgent() throws Exception {
        assertThat(HealthProbe.probe("--socket", agent.socket.toString(), "--timeout-seconds", "5")).isZero();
        assertThat(HealthProbe.probe("--socket", work.resolve("nothing.sock").toString(), "--timeout-seconds", "2")).isEqualTo(1);
    }

    // ---- helpers ----

    JsonNode get(String path) throws IOException {
        UnixHttp.Reply r = agent.http().get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    String rulesetWithoutCounters() {
        return NftText.normalized(Sh.in(net.router, "nft", "list", "table", "inet", "strata"));
    }

    static long packets(JsonNode counters, String name) {
        for (JsonNode n : counters.path("nftables")) {
            JsonNode c = n.path("counter");
            if (name.equals(c.path("name").asText())) {
                return c.path("packets").asLong();
            }
        }
        throw new AssertionError("no counter " + name + " in " + counters);
    }

    static boolean ping(String ns, String host) {
        return Sh.tryIn(ns, "ping", "-c", "1", "-W", "1", host).ok();
    }

    static boolean pingEventually(String ns, String host) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            if (ping(ns, host)) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }
}
