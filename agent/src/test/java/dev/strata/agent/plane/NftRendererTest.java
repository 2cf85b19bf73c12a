package dev.strata.agent.plane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.agent.model.AclRule;
import dev.strata.agent.model.AclTier;
import dev.strata.agent.model.FirewallRule;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.Validator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer's text, without a kernel (the namespace tests load it for real). */
class NftRendererTest {

    static RouterConfig firewall(List<FirewallRule> rules) {
        return new RouterConfig(null, null, null, rules, null, null, null, null, null, null);
    }

    @Test
    void theWholeTableIsReplacedInOneScript() {
        String s = NftRenderer.render(RouterConfig.EMPTY).fullScript();
        assertThat(s).startsWith("table inet strata {}\ndelete table inet strata\ntable inet strata {\n");
        assertThat(s).contains("chain pre_filter", "chain pre_nat", "chain forward", "chain post_nat", "counter fw_ingress_drop");
    }

    @Test
    void addingAFirewallRuleIsOneElementUpdate() {
        List<FirewallRule> rules = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rules.add(new FirewallRule("203.0.113.2", "tcp", Integer.toString(1000 + i), null, null, List.of("198.51.100.0/24")));
        }
        Ruleset before = NftRenderer.render(firewall(rules));
        rules.add(new FirewallRule("203.0.113.2", "udp", "53", null, null, null));
        Ruleset after = NftRenderer.render(firewall(rules));
        assertThat(after.deltaFrom(before)).contains("add element inet strata fw_l4_4 { 203.0.113.2 . udp . 53 . 0.0.0.0/0 }\n");
        rules.remove(0);
        assertThat(NftRenderer.render(firewall(rules)).deltaFrom(after)).contains(
                "delete element inet strata fw_l4_4 { 203.0.113.2 . tcp . 1000 . 198.51.100.0/24 }\n");
    }

    @Test
    void aChangeOfManyElementsReplacesTheTableWhole() {
        List<FirewallRule> a = new ArrayList<>();
        List<FirewallRule> b = new ArrayList<>();
        for (int i = 0; i < Ruleset.MAX_DELTA; i++) {
            a.add(new FirewallRule("203.0.113.2", "tcp", Integer.toString(1000 + i), null, null, null));
            b.add(new FirewallRule("203.0.113.2", "udp", Integer.toString(1000 + i), null, null, null));
        }
        assertThat(NftRenderer.render(firewall(b)).deltaFrom(NftRenderer.render(firewall(a)))).isEmpty();
    }

    @Test
    void overlappingOpeningsGoToSeparateLayersBecauseTheKernelRefusesOverlaps() {
        RouterConfig c = firewall(List.of(new FirewallRule("203.0.113.2", "tcp", "8000-9000", null, null, null),
                new FirewallRule("203.0.113.2", "tcp", "8080", null, null, List.of("10.0.0.0/8")),
                new FirewallRule("203.0.113.2", "tcp", "7000", null, null, null)));
        Ruleset r = NftRenderer.render(c);
        NftSet l0 = r.sets().stream().filter(s -> s.name().equals("fw_l4_4")).findFirst().orElseThrow();
        NftSet l1 = r.sets().stream().filter(s -> s.name().equals("fw_l4_4_1")).findFirst().orElseThrow();
        assertThat(l0.elements()).containsExactly("203.0.113.2 . tcp . 8000-9000 . 0.0.0.0/0", "203.0.113.2 . tcp . 7000 . 0.0.0.0/0");
        assertThat(l1.elements()).containsExactly("203.0.113.2 . tcp . 8080 . 10.0.0.0/8");
        assertThat(r.fullScript()).contains("@fw_l4_4_1 counter name \"fw_ingress_accept\" accept");
    }

    @Test
    void aclRulesKeepRuleNumberOrderAndCidrListsBecomeMinimalSets() {
        AclTier t = new AclTier("web", "eth1", List.of(
                new AclRule(30, "ingress", "allow", "all", null, null, null, List.of("10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32")),
                new AclRule(10, "ingress", "deny", "icmp", null, 8, 0, List.of("10.1.1.0/24"))), null, null);
        RouterConfig c = new RouterConfig(null, null, null, null, null, null, null, null, List.of(t), null);
        assertThat(Validator.problems(c)).isEmpty();
        String s = NftRenderer.render(c).fullScript();
        int deny = s.indexOf("ip saddr @acl_web_in_10_4 meta l4proto icmp icmp type 8 icmp code 0 counter name \"acl_web_in_deny\" drop");
        int allow = s.indexOf("ip saddr @acl_web_in_30_4 counter name \"acl_web_in_allow\" return");
        assertThat(deny).isPositive();
        assertThat(allow).isGreaterThan(deny);
        assertThat(s).contains("ip6 saddr @acl_web_in_30_6", "oifname vmap { \"eth1\" : jump acl_web_in }");
        NftSet v4 = NftRenderer.render(c).sets().stream().filter(x -> x.name().equals("acl_web_in_30_4")).findFirst().orElseThrow();
        assertThat(v4.elements()).containsExactly("10.0.0.0/8");
    }

    @Test
    void renderingWithTheCacheGivesTheSameTableAsRenderingAfresh() throws Exception {
        RouterConfig c = dev.strata.agent.Json.compact().readValue(NftRendererTest.class.getResource("/dev/strata/agent/router.json"),
                RouterConfig.class);
        RenderCache cache = new RenderCache();
        NftRenderer.render(c, cache);
        List<FirewallRule> more = new ArrayList<>(c.firewall());
        more.add(new FirewallRule("203.0.113.2", "udp", "53", null, null, null));
        RouterConfig changed = dev.strata.agent.model.ConfigPart.FIREWALL.with(c, more);
        assertThat(NftRenderer.render(changed, cache).fullScript()).isEqualTo(NftRenderer.render(changed).fullScript());
        assertThat(NftRenderer.render(c, cache).fullScript()).isEqualTo(NftRenderer.render(c).fullScript());
    }

    @Test
    void cidrSetsDropContainedPrefixes() {
        assertThat(CidrSets.minimal(List.of("10.1.2.0/24", "10.0.0.0/8", "192.168.1.7/24", "192.168.1.0/24", "10.1.2.3/32")))
                .containsExactly("10.0.0.0/8", "192.168.1.0/24");
        assertThat(CidrSets.minimal(List.of("2001:db8::/32", "10.0.0.0/8", "2001:db8:1::/48", "2001:db9::1/128", "0.0.0.0/0",
                "10.0.0.0/8"))).containsExactly("0.0.0.0/0", "2001:db8:0:0:0:0:0:0/32", "2001:db9:0:0:0:0:0:1/128");
    }

    @Test
    void cidrSetsMatchContainmentPairByPair() {
        // Against the definition: a prefix is dropped exactly when another one (kept or not) contains it.
        java.util.Random r = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            List<String> in = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                in.add("10." + r.nextInt(4) + "." + r.nextInt(4) + "." + r.nextInt(256) + "/" + (8 + r.nextInt(25)));
            }
            List<String> want = new java.util.ArrayList<>();
            List<dev.strata.agent.model.Net.Cidr> nets = in.stream().map(s -> dev.strata.agent.model.Net.cidr(s).orElseThrow().network())
                    .distinct().toList();
            for (var c : nets) {
                boolean inside = nets.stream().anyMatch(o -> o.prefix() < c.prefix() && o.contains(c.address()));
                if (!inside) {
                    want.add(c.toString());
                }
            }
            assertThat(CidrSets.minimal(in)).as("%s", in).containsExactlyInAnyOrderElementsOf(want);
        }
    }
}
