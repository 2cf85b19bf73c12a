package dev.strata.agent.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.agent.Json;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.DhcpHost;
import dev.strata.agent.model.InvalidConfigException;
import dev.strata.agent.model.Problem;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.Validator;
import dev.strata.agent.model.VmData;
import dev.strata.agent.plane.NftRenderer;
import dev.strata.agent.plane.RenderCache;
import dev.strata.agent.service.Checks;
import dev.strata.agent.service.Opening;
import dev.strata.agent.service.Service;
import dev.strata.agent.services.dhcp.DhcpService;
import dev.strata.agent.services.metadata.MetadataService;
import dev.strata.agent.services.password.PasswordService;
import dev.strata.agent.services.password.PasswordStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files for every text the guest services render from docs/examples/vr-guest-services.json:
 * dnsmasq's four files and the firewall's input and guest_guard chains. {@code -Dgolden.update=true}
 * rewrites them (review the diff: that is the point).
 */
class GuestServicesGoldenTest {

    static final Path EXAMPLE = Path.of("../docs/examples/vr-guest-services.json");
    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TempDir
    Path tmp;

    RouterConfig example() throws Exception {
        return Json.shared().readValue(EXAMPLE.toFile(), RouterConfig.class);
    }

    List<Service> services() {
        return List.of(new DhcpService(Path.of("/data/agent/services/dhcp"), Path.of("/data/agent/runtime/dhcp"), null, "dnsmasq", false),
                new PasswordService(new PasswordStore(tmp)), new MetadataService());
    }

    List<Problem> problems(RouterConfig c) {
        List<Problem> all = new ArrayList<>(Validator.problems(c));
        Checks checks = new Checks();
        services().forEach(s -> s.check(c, checks));
        all.addAll(checks.problems());
        return all;
    }

    @Test
    void theExampleIsValidAndItsDnsmasqFilesAreTheGoldenOnes() throws Exception {
        RouterConfig c = example();
        assertThat(problems(c)).isEmpty();
        Map<String, String> files = services().get(0).plan(c).files();
        assertThat(files.keySet()).containsExactly("dnsmasq.conf", "dhcp-hosts", "dhcp-opts", "hosts");
        for (Map.Entry<String, String> f : files.entrySet()) {
            golden("dhcp/" + f.getKey(), f.getValue());
        }
    }

    @Test
    void theInputAndGuestGuardChainsAreTheGoldenOnes() throws Exception {
        RouterConfig c = example();
        List<Opening> openings = new ArrayList<>();
        services().forEach(s -> openings.addAll(s.openings(c)));
        openings.sort(null);
        String script = NftRenderer.render(c, new RenderCache(), List.copyOf(openings)).fullScript();
        golden("firewall/input.nft", chain(script, "input"));
        golden("firewall/guest_guard.nft", chain(script, "guest_guard"));
        assertThat(script).contains("\"eth1\" . udp . 67", "\"eth1\" . tcp . 8080", "\"eth1\" . tcp . 80", "\"eth1\" . udp . 53",
                "02:00:0a:01:01:05 . 10.1.1.5");
    }

    @Test
    void badEntriesAreRefusedWithTheirPaths() throws Exception {
        RouterConfig c = example();
        List<DhcpHost> hosts = new ArrayList<>(c.dhcpHosts());
        hosts.add(new DhcpHost("02:00:0A:01:01:05", "10.1.1.5", "web_1", null, null, null));
        hosts.add(new DhcpHost("not-a-mac", "10.9.9.9", "ok", null, null, null));
        hosts.add(new DhcpHost("02:00:0a:01:01:09", "10.1.1.1", "-bad", null, null, null));
        List<VmData> vms = new ArrayList<>(c.vmData());
        vms.add(new VmData("10.1.1.7", "a".repeat(1_500_000), Map.of("../etc", "x")));
        RouterConfig bad = ConfigPart.VM_DATA.with(ConfigPart.DHCP_HOSTS.with(c, hosts), vms);
        List<String> found = problems(bad).stream().map(p -> p.path() + ": " + p.message()).toList();
        assertThat(found).anyMatch(s -> s.startsWith("dhcpHosts[2].mac: conflicts with dhcpHosts[0].mac"))
                .anyMatch(s -> s.startsWith("dhcpHosts[2].ipv4: conflicts with dhcpHosts[0].ipv4"))
                .anyMatch(s -> s.startsWith("dhcpHosts[2].hostName: not a host name DNS can carry"))
                .anyMatch(s -> s.startsWith("dhcpHosts[3].mac: expected a MAC address"))
                .anyMatch(s -> s.startsWith("dhcpHosts[3].ipv4: is in no guest network"))
                .anyMatch(s -> s.startsWith("dhcpHosts[4].ipv4: is the router's own address"))
                .anyMatch(s -> s.startsWith("dhcpHosts[4].hostName: not a host name"))
                .anyMatch(s -> s.startsWith("vmData[1].userData: user-data is at most 1 MiB"))
                .anyMatch(s -> s.startsWith("vmData[1].metaData.../etc: a meta-data key is"));
    }

    @Test
    void inputRulesNameTheirInterface() throws Exception {
        RouterConfig c = example();
        RouterConfig bad = ConfigPart.INPUT_RULES.with(c, List.of(new dev.strata.agent.model.InputRule("eth9", "tcp", "22", null, null),
                new dev.strata.agent.model.InputRule("eth0", "tcp", null, null, null)));
        assertThatThrownBy(() -> Validator.check(bad)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("inputRules[0].interface").hasMessageContaining("inputRules[1].ports");
    }

    static String chain(String script, String name) {
        int from = script.indexOf("  chain " + name + " {");
        assertThat(from).as("chain " + name).isGreaterThanOrEqualTo(0);
        return script.substring(from, script.indexOf("\n  }\n", from) + 5);
    }

    static void golden(String name, String actual) throws Exception {
        Path f = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update") || !Files.exists(f)) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, actual);
        }
        assertThat(actual).as("golden file " + f + " (-Dgolden.update=true rewrites it)").isEqualTo(Files.readString(f));
    }
}
