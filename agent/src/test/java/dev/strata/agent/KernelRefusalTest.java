package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.agent.model.AclRule;
import dev.strata.agent.model.AclTier;
import dev.strata.agent.model.FirewallRule;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.plane.DataPlane;
import dev.strata.agent.plane.IpPlane;
import dev.strata.agent.plane.Nft;
import dev.strata.agent.plane.NftRenderer;
import dev.strata.agent.plane.NftSet;
import dev.strata.agent.plane.Ruleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel itself refusing an nftables transaction, both as element updates and as a whole
 * table: the previous table stays loaded, element for element, and the error carries nft's
 * words. The renderer never produces such a ruleset (it splits overlapping elements into
 * layers), so the refused one is made here by hand: two overlapping elements in one
 * concatenated interval set, which the kernel rejects with "File exists". nft and ip run in a
 * test namespace through two-line wrappers (ip netns exec NS nft "$@").
 */
class KernelRefusalTest {

    @TempDir
    Path tmp;

    Topology net;
    DataPlane plane;

    @BeforeEach
    void setUp() throws Exception {
        net = Topology.routerOnly();
        Sh.in(net.router, "ip", "link", "add", "sa-pub", "type", "veth", "peer", "name", "sa-pubp");
        plane = new DataPlane(new Nft(wrapper("nft")), new IpPlane(wrapper("ip")));
    }

    @AfterEach
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aRulesetTheKernelRefusesLeavesThePreviousOneLoaded() {
        RouterConfig good = new RouterConfig(List.of(new Interface("sa-pub", "public", null, List.of("203.0.113.2/24"))), null,
                null, List.of(new FirewallRule("203.0.113.2", "tcp", "22", null, null, null)), null, null, null, null, null, null);
        plane.apply(good, NftRenderer.render(good));
        String before = NftText.normalized(Sh.in(net.router, "nft", "list", "table", "inet", "strata"));

        Ruleset overlapping = withElements(NftRenderer.render(good), "fw_l4_4",
                List.of("203.0.113.2 . tcp . 8000-9000 . 0.0.0.0/0", "203.0.113.2 . tcp . 8080 . 0.0.0.0/0"));
        assertThat(plane.scriptFor(overlapping)).as("same shape: element updates").startsWith("delete element");
        assertThatThrownBy(() -> plane.apply(good, overlapping)).isInstanceOf(ApplyException.class)
                .hasMessageContaining("nftables refused the ruleset (previous ruleset still loaded)").hasMessageContaining("File exists");
        assertThat(NftText.normalized(Sh.in(net.router, "nft", "list", "table", "inet", "strata"))).isEqualTo(before);

        Ruleset reshaped = new Ruleset(concat(overlapping.counters(), "extra"), overlapping.sets(), overlapping.chains());
        assertThat(plane.scriptFor(reshaped)).as("new shape: the table's contents swapped").startsWith("flush table inet strata");
        assertThatThrownBy(() -> plane.apply(good, reshaped)).isInstanceOf(ApplyException.class).hasMessageContaining("File exists");
        assertThat(NftText.normalized(Sh.in(net.router, "nft", "list", "table", "inet", "strata"))).isEqualTo(before);
    }

    @Test
    void aNewShapeSwapsTheTableInPlaceKeepingCountersAndATableChangedByHandIsReplacedWhole() {
        FirewallRule ssh = new FirewallRule("203.0.113.2", "tcp", "22", null, null, null);
        List<Interface> pub = List.of(new Interface("sa-pub", "public", null, List.of("203.0.113.2/24")));
        RouterConfig a = new RouterConfig(pub, null, null, List.of(ssh), null, null, null, null, null, null);
        RouterConfig b = new RouterConfig(pub, null, null, List.of(ssh), null, null, null, null, List.of(new AclTier("web", "sa-pub",
                List.of(new AclRule(10, "ingress", "allow", "tcp", "80", null, null, List.of("10.0.0.0/8"))), null, null)), null);
        RouterConfig c = new RouterConfig(pub, null, null, List.of(ssh), null, null, null, null, List.of(new AclTier("db", "sa-pub",
                List.of(), null, null)), null);
        // Traffic counted before this agent started: the first load carries it over by reading it.
        Sh.in(net.router, "nft", "add", "table", "inet", "strata");
        Sh.in(net.router, "nft", "add", "counter", "inet", "strata", "fw_ingress_accept", "{", "packets", "7", "bytes", "700", "}");
        plane.apply(a, NftRenderer.render(a));
        assertThat(plane.nft().counters().get("fw_ingress_accept")).containsExactly(7, 700);

        Ruleset withTier = NftRenderer.render(b);
        assertThat(plane.scriptFor(withTier)).startsWith("flush table inet strata\ndelete chain inet strata pre_filter\n")
                .doesNotContain("delete table").doesNotContain("counter fw_ingress_accept {").contains("counter acl_web_in_allow {");
        plane.apply(b, withTier);
        assertThat(plane.nft().counters().get("fw_ingress_accept")).as("kept in place, never read").containsExactly(7, 700);
        assertThat(plane.nft().counters()).containsKey("acl_web_in_allow");
        assertThat(Sh.in(net.router, "nft", "list", "set", "inet", "strata", "acl_web_in_10_4")).contains("10.0.0.0/8");

        // Someone deleted the table: the swap is refused as a whole, and the table is loaded anew.
        Sh.in(net.router, "nft", "delete", "table", "inet", "strata");
        plane.apply(c, NftRenderer.render(c));
        assertThat(plane.nft().counters()).containsKey("acl_db_in_deny").doesNotContainKey("acl_web_in_allow");
        assertThat(Sh.in(net.router, "nft", "list", "table", "inet", "strata")).contains("203.0.113.2 . tcp . 22");
    }

    private static Ruleset withElements(Ruleset r, String set, List<String> elements) {
        List<NftSet> sets = new ArrayList<>();
        for (NftSet s : r.sets()) {
            sets.add(s.name().equals(set) ? new NftSet(s.name(), s.kind(), s.declaration(), elements) : s);
        }
        return new Ruleset(r.counters(), sets, r.chains());
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    private String wrapper(String program) throws Exception {
        Path f = tmp.resolve(program + "-in-" + net.router);
        Files.writeString(f, "#!/bin/sh\nexec ip netns exec " + net.router + " " + program + " \"$@\"\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return f.toString();
    }
}
