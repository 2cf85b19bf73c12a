package dev.strata.agent.cloudstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.Json;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router start as the management server sends it (the boot configuration, then an aggregated
 * VR-uuid.cfg with ips, firewall ingress and egress, a port forward, static NAT, DHCP entry,
 * password, metadata and the monitor service), in CloudStack's shapes (reference §6-7): the
 * merged bags and the agent document they become are compared with golden files, and the
 * document is a configuration the agent's own validator accepts.
 */
class GoldenTest {

    static final ObjectMapper M = Json.shared();

    static String resource(String name) throws IOException {
        try (InputStream in = GoldenTest.class.getResourceAsStream("/cloudstack/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The eth2 MAC of the sample ips bag, on a fake sysfs: the device is found by MAC. */
    static Nics fakeNics(Path dir) throws IOException {
        for (String[] nic : new String[][] {{"eth0", "02:00:00:00:00:00"}, {"eth1", "0e:00:a9:fe:03:07"}, {"eth2", "1e:00:aa:00:00:02"}}) {
            Files.createDirectories(dir.resolve(nic[0]));
            Files.writeString(dir.resolve(nic[0]).resolve("address"), nic[1] + "\n");
        }
        return new Nics(dir);
    }

    static Bags routerStart(Nics nics) throws IOException {
        Bags b = Bags.empty(nics);
        b.merge("cmd_line.json", M.readTree(resource("cmd_line.json")));
        for (VrCfg.Item i : VrCfg.parse("VR.cfg", resource("router-start.cfg"))) {
            if (i instanceof VrCfg.FileItem f) {
                b.merge(f.path(), M.readTree(f.content()));
            }
        }
        return b;
    }

    @Test
    void routerStartBagsAndAgentDocument(@TempDir Path tmp) throws IOException {
        Bags b = routerStart(fakeNics(tmp));
        Translator.Result t = Translator.translate(b);
        JsonNode wantBags = M.readTree(resource("router-start.bags.json"));
        JsonNode wantDoc = M.readTree(resource("router-start.v1.json"));
        assertThat(b.all()).isEqualTo(wantBags);
        assertThat((JsonNode) t.config()).isEqualTo(wantDoc);
        assertThat(t.notApplied()).containsOnlyKeys("dhcpentry", "vmpassword", "vmdata", "monitorservice");
        RouterConfig c = M.treeToValue(t.config(), RouterConfig.class);
        Validator.check(c);
        assertThat(c.portForwards()).singleElement().satisfies(f -> {
            assertThat(f.publicPorts()).isEqualTo("8080");
            assertThat(f.privatePorts()).isEqualTo("80");
            assertThat(f.opensFirewall()).isFalse();
        });
        assertThat(t.originOf("firewall[1].ports")).isEqualTo("firewallrules[\"12\"]");
    }

    /** Writes the golden files from the current code: run once, review the diff, commit. */
    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("golden");
        Bags b = routerStart(fakeNics(tmp));
        Path out = Path.of(args[0]);
        Files.write(out.resolve("router-start.bags.json"), Json.sharedPretty().writeValueAsBytes(b.all()));
        Files.write(out.resolve("router-start.v1.json"), Json.sharedPretty().writeValueAsBytes(Translator.translate(b).config()));
    }
}
