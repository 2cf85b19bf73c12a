package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.plane.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DHCP/DNS (real dnsmasq), the password server and metadata, with real clients: busybox udhcpc,
 * dig and curl in two guest namespaces on one guest bridge of the router namespace, the agent a
 * process with {@code --supervisor process} (dnsmasq its child, in its namespace). Steps share
 * one topology and run in order; each says what it proves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestServicesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MAC1 = "02:00:0a:01:01:05";
    static final String MAC2 = "02:00:0a:01:01:06";

    Path work;
    Topology net;
    String g1;
    String g2;
    AgentProcess agent;
    final List<String> guests = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("sa-guest");
        net = Topology.routerOnly();
        g1 = net.id + "-v1";
        g2 = net.id + "-v2";
        String r = net.router;
        Sh.in(r, "ip", "link", "add", "sa-g1", "type", "bridge");
        Sh.in(r, "ip", "link", "set", "sa-g1", "up");
        int n = 1;
        for (String[] g : new String[][] {{g1, MAC1}, {g2, MAC2}}) {
            Sh.run("ip", "netns", "add", g[0]);
            guests.add(g[0]);
            Sh.in(g[0], "ip", "link", "set", "lo", "up");
            Sh.run("ip", "-n", r, "link", "add", "sa-p" + n, "type", "veth", "peer", "name", "sa-vm", "netns", g[0]);
            Sh.in(r, "ip", "link", "set", "sa-p" + n, "master", "sa-g1", "up");
            Sh.in(g[0], "ip", "link", "set", "sa-vm", "address", g[1], "up");
            n++;
        }
        Path script = work.resolve("udhcpc.sh");
        // udhcpc hands the lease to a script in its environment; this one only records it.
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = bound ] || exit 0\n"
                + "echo \"ip=$ip mask=$mask router=$router dns=$dns domain=$domain staticroutes=$staticroutes\" > \"$LEASE_OUT\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        agent = new AgentProcess(r, work, "--supervisor", "process").start();
    }

    @AfterAll
    void tearDown() throws Exception {
        System.out.println("--- agent log\n" + Files.readString(work.resolve("agent.log")));
        Path dnsmasqLog = work.resolve("state/runtime/supervisor/strata-dnsmasq.log");
        if (Files.exists(dnsmasqLog)) {
            System.out.println("--- dnsmasq's log\n" + Files.readString(dnsmasqLog));
        }
        if (agent != null) {
            agent.close();
        }
        guests.forEach(g -> Sh.tryRun("ip", "netns", "del", g));
        if (net != null) {
            net.close();
        }
        Sh.tryRun("rm", "-rf", "--", work.toString());
    }

    static String config(String extraOption) {
        return """
                {"interfaces": [{"name": "sa-g1", "role": "guest", "addresses": ["10.1.1.1/24"]}],
                 "guestNetworks": [{"interface": "sa-g1", "domain": "cs1cloud.internal", "leaseSeconds": 3600%s}],
                 "dhcpHosts": [
                   {"mac": "%s", "ipv4": "10.1.1.5", "hostName": "web-1"},
                   {"mac": "%s", "ipv4": "10.1.1.6", "hostName": "db-1", "defaultRoute": false,
                    "staticRoutes": [{"destination": "192.168.50.0/24", "gateway": "10.1.1.254"}]}],
                 "vmData": [
                   {"ip": "10.1.1.5", "userData": "I2Nsb3VkLWNvbmZpZwpob3N0bmFtZTogd2ViLTEK",
                    "metaData": {"instance-id": "i-2-5-VM", "local-hostname": "web-1", "public-keys": "ssh-ed25519 AAAA web-1"}},
                   {"ip": "10.1.1.6", "metaData": {"instance-id": "i-2-6-VM", "local-hostname": "db-1"}}]}
                """.formatted(extraOption, MAC1, MAC2);
    }

    @Test
    @Order(1)
    void theGuestServicesAreOneTransactionAndDnsmasqRuns() throws Exception {
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", config(""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode h = get("/v1/health");
        assertThat(h.path("status").asText()).as(h.toString()).isEqualTo("ok");
        assertThat(h.at("/services/dhcp/detail").asText()).startsWith("dnsmasq running, pid ");
        assertThat(Files.readString(work.resolve("state/services/dhcp/dhcp-hosts"))).contains(MAC1 + ",10.1.1.5,web-1");
        assertThat(Sh.in(net.router, "nft", "list", "chain", "inet", "strata", "input")).contains("@input_open");
    }

    @Test
    @Order(2)
    void eachGuestGetsItsAddressGatewayDnsAndRoutesByDhcp() throws Exception {
        assertThat(dhcp(g1)).contains("ip=10.1.1.5 ", "mask=24", "router=10.1.1.1 ", "dns=10.1.1.1 ", "domain=cs1cloud.internal");
        String second = dhcp(g2);
        assertThat(second).contains("ip=10.1.1.6 ", "router= ", "staticroutes=192.168.50.0/24 10.1.1.254");
        Sh.in(g1, "ip", "addr", "add", "10.1.1.5/24", "dev", "sa-vm");
        Sh.in(g2, "ip", "addr", "add", "10.1.1.6/24", "dev", "sa-vm");
        assertThat(Files.readString(work.resolve("state/runtime/dhcp/dnsmasq.leases"))).contains(MAC1, MAC2);
    }

    @Test
    @Order(3)
    void aGuestResolvesAnotherGuestsName() {
        assertThat(dig(g1, "db-1.cs1cloud.internal")).isEqualTo("10.1.1.6");
        assertThat(dig(g2, "web-1")).isEqualTo("10.1.1.5");
    }

    @Test
    @Order(4)
    void eachGuestReadsOnlyItsOwnPasswordAndAcknowledgesIt() throws Exception {
        UnixHttp.Reply r = agent.http().send("POST", "/v1/passwords",
                "{\"passwords\":[{\"ip\":\"10.1.1.5\",\"password\":\"pw-of-web-1\"},{\"ip\":\"10.1.1.6\",\"password\":\"pw-of-db-1\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String listed = agent.http().get("/v1/passwords").body();
        assertThat(listed).contains("10.1.1.5", "<redacted>").doesNotContain("pw-of");
        assertThat(password(g1, "send_my_password")).isEqualTo("pw-of-web-1");
        assertThat(password(g2, "send_my_password")).isEqualTo("pw-of-db-1");
        assertThat(password(g1, "saved_password")).isEqualTo("saved_password");
        assertThat(password(g1, "send_my_password")).as("acknowledged: gone").isEqualTo("saved_password");
        assertThat(password(g1, "something_else")).isEqualTo("bad_request");
        assertThat(agent.http().get("/v1/history").body() + agent.http().get("/v1/state").body()).doesNotContain("pw-of");
    }

    @Test
    @Order(5)
    void eachGuestReadsItsOwnMetadataAndUserData() {
        assertThat(curl(g1, "http://10.1.1.1/latest/meta-data/instance-id")).isEqualTo("i-2-5-VM");
        assertThat(curl(g2, "http://10.1.1.1/latest/meta-data/instance-id")).isEqualTo("i-2-6-VM");
        assertThat(curl(g1, "http://10.1.1.1/latest/user-data")).isEqualTo("#cloud-config\nhostname: web-1\n");
        assertThat(curl(g1, "http://10.1.1.1/latest/meta-data")).isEqualTo("instance-id\nlocal-hostname\npublic-keys\n");
        assertThat(curl(g1, "http://10.1.1.1/latest/local-hostname")).as("legacy path").isEqualTo("web-1");
        assertThat(status(g2, "http://10.1.1.1/latest/user-data")).as("db-1 has no user-data").isEqualTo("404");
        assertThat(status(g2, "http://10.1.1.1/latest/meta-data/public-keys")).isEqualTo("404");
    }

    @Test
    @Order(6)
    void aGuestThatSpoofsAnotherGuestsAddressGetsNothing() {
        // db-1 takes web-1's address: its MAC is not web-1's, so the guard drops it before any server sees it.
        Sh.in(g2, "ip", "addr", "del", "10.1.1.6/24", "dev", "sa-vm");
        Sh.in(g2, "ip", "addr", "add", "10.1.1.5/24", "dev", "sa-vm");
        try {
            Commands.Result r = Sh.tryIn(g2, "curl", "-s", "--max-time", "3", "-H", "DomU_Request: send_my_password",
                    "http://10.1.1.1:8080/");
            assertThat(r.ok()).as(r.stdout()).isFalse();
            assertThat(r.stdout()).isEmpty();
            assertThat(Sh.tryIn(g2, "curl", "-s", "--max-time", "3", "http://10.1.1.1/latest/meta-data/instance-id").stdout()).isEmpty();
        } finally {
            Sh.in(g2, "ip", "addr", "del", "10.1.1.5/24", "dev", "sa-vm");
            Sh.in(g2, "ip", "addr", "add", "10.1.1.6/24", "dev", "sa-vm");
            Sh.tryIn(net.router, "ip", "neigh", "flush", "dev", "sa-g1");
        }
        // An address outside the network is dropped too.
        Sh.in(g2, "ip", "addr", "add", "10.9.9.9/32", "dev", "sa-vm");
        assertThat(Sh.tryIn(g2, "curl", "-s", "--max-time", "3", "--interface", "10.9.9.9", "http://10.1.1.1/latest/meta-data").ok())
                .isFalse();
        Sh.in(g2, "ip", "addr", "del", "10.9.9.9/32", "dev", "sa-vm");
        assertThat(Sh.in(net.router, "nft", "list", "counter", "inet", "strata", "guest_spoof_drop")).doesNotContain("packets 0 ");
        assertThat(curl(g2, "http://10.1.1.1/latest/meta-data/instance-id")).as("its own still works").isEqualTo("i-2-6-VM");
    }

    @Test
    @Order(7)
    void aHostAddedIsServedWithoutARestartAndLeasesStay() throws Exception {
        long pid = dnsmasqPid();
        UnixHttp.Reply r = agent.http().send("PATCH", "/v1/config/dhcpHosts",
                "{\"add\":[{\"mac\":\"02:00:0a:01:01:07\",\"ipv4\":\"10.1.1.7\",\"hostName\":\"cache-1\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(dig(g1, "cache-1.cs1cloud.internal")).isEqualTo("10.1.1.7");
        assertThat(dnsmasqPid()).as("SIGHUP, not a restart").isEqualTo(pid);
        assertThat(Files.readString(work.resolve("state/runtime/dhcp/dnsmasq.leases"))).contains(MAC1, MAC2);
    }

    @Test
    @Order(8)
    void badEntriesAre400sWithTheirPathsAndNothingChanges() throws Exception {
        long gen = get("/v1/health").path("generation").asLong();
        UnixHttp.Reply r = agent.http().send("PATCH", "/v1/config/dhcpHosts",
                "{\"add\":[{\"mac\":\"" + MAC1 + "\",\"ipv4\":\"10.1.2.9\",\"hostName\":\"no_underscores\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("dhcpHosts[3].mac", "conflicts with dhcpHosts[0].mac", "dhcpHosts[3].ipv4",
                "dhcpHosts[3].hostName");
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(gen);
    }

    @Test
    @Order(9)
    void dnsmasqRefusingItsConfigurationKeepsThePreviousOneServing() throws Exception {
        long gen = get("/v1/health").path("generation").asLong();
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", config(", \"options\": [{\"code\": 3, \"value\": \"notanaddress\"}]"));
        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(r.body()).contains("service dhcp", "dnsmasq", "bad IP address");
        assertThat(get("/v1/health").path("generation").asLong()).isEqualTo(gen);
        assertThat(Files.readString(work.resolve("state/services/dhcp/dhcp-opts"))).doesNotContain("notanaddress");
        assertThat(dig(g1, "cache-1.cs1cloud.internal")).isEqualTo("10.1.1.7");
    }

    @Test
    @Order(10)
    void leasesAndUnfetchedPasswordsSurviveAnAgentRestart() throws Exception {
        agent.kill();
        agent = new AgentProcess(net.router, work, "--supervisor", "process").start();
        assertThat(get("/v1/health").path("status").asText()).isEqualTo("ok");
        assertThat(Files.readString(work.resolve("state/runtime/dhcp/dnsmasq.leases"))).contains(MAC1, MAC2);
        assertThat(dig(g1, "db-1.cs1cloud.internal")).isEqualTo("10.1.1.6");
        assertThat(password(g2, "send_my_password")).as("not acknowledged yet: still there").isEqualTo("pw-of-db-1");
        assertThat(password(g1, "send_my_password")).as("acknowledged before: never back").isEqualTo("saved_password");
        assertThat(dhcp(g1)).contains("ip=10.1.1.5 ");
    }

    // ---- helpers ----

    String dhcp(String ns) throws IOException {
        Path out = work.resolve(ns + ".lease");
        Files.deleteIfExists(out);
        Commands.Result r = Sh.tryIn(ns, "env", "LEASE_OUT=" + out, "busybox", "udhcpc", "-i", "sa-vm", "-f", "-q", "-n",
                "-t", "5", "-T", "1", "-O", "staticroutes", "-s", work.resolve("udhcpc.sh").toString());
        assertThat(r.ok()).as("udhcpc: " + r.stdout() + r.stderr()).isTrue();
        return Files.readString(out).strip() + " ";
    }

    static String dig(String ns, String name) {
        return Sh.in(ns, "dig", "+short", "+time=2", "+tries=2", "@10.1.1.1", name).strip();
    }

    static String password(String ns, String request) {
        return Sh.in(ns, "curl", "-s", "--max-time", "5", "-H", "DomU_Request: " + request, "http://10.1.1.1:8080/");
    }

    static String curl(String ns, String url) {
        return Sh.in(ns, "curl", "-s", "--fail", "--max-time", "5", url);
    }

    static String status(String ns, String url) {
        return Sh.in(ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url);
    }

    long dnsmasqPid() throws IOException {
        String d = get("/v1/services").at("/dhcp/detail").asText();
        return Long.parseLong(d.substring(d.lastIndexOf(' ') + 1));
    }

    JsonNode get(String path) throws IOException {
        UnixHttp.Reply r = agent.http().get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
