package dev.strata.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation without a kernel: paths, values, messages and conflicts. */
class ValidatorTest {

    static RouterConfig withForwards(PortForward... f) {
        return new RouterConfig(List.of(new Interface("eth2", "public", null, List.of("203.0.113.2/24"))), null, null, null,
                null, List.of(f), null, null, null, null);
    }

    static PortForward pf(String pub, String proto, String pubPorts, String priv, String privPorts) {
        return new PortForward(pub, proto, pubPorts, priv, privPorts, null, null);
    }

    @Test
    void aGoodConfigurationHasNoProblems() {
        assertThat(Validator.problems(withForwards(pf("203.0.113.2", "tcp", "8080", "10.1.1.5", "80"),
                pf("203.0.113.2", "udp", "1000-1010", "10.1.1.5", "1000-1010")))).isEmpty();
        assertThat(Validator.problems(RouterConfig.EMPTY)).isEmpty();
    }

    @Test
    void eachBadValueIsNamedByPathAndValue() {
        List<Problem> p = Validator.problems(withForwards(pf("203.0.113.999", "sctp", "0", "2001:db8::1", "80-90")));
        assertThat(p).extracting(Problem::path).containsExactlyInAnyOrder("portForwards[0].publicIp",
                "portForwards[0].privateIp", "portForwards[0].protocol", "portForwards[0].publicPorts");
        assertThat(p).extracting(Problem::value).contains("203.0.113.999", "sctp", "0", "2001:db8::1");
    }

    @Test
    void rangesForwardToTheSameRangeAndSinglePortsToSinglePorts() {
        assertThat(Validator.problems(withForwards(pf("203.0.113.2", "tcp", "1000-1010", "10.1.1.5", "2000-2010"))))
                .extracting(Problem::message).anyMatch(m -> m.contains("forwarded to the same range"));
        assertThat(Validator.problems(withForwards(pf("203.0.113.2", "tcp", "22", "10.1.1.5", "22-23"))))
                .extracting(Problem::path).containsExactly("portForwards[0].privatePorts");
    }

    @Test
    void overlappingForwardsConflictNamingBoth() {
        List<Problem> p = Validator.problems(withForwards(pf("203.0.113.2", "tcp", "1000-1010", "10.1.1.5", "1000-1010"),
                pf("203.0.113.2", "udp", "1005", "10.1.1.6", "80"), pf("203.0.113.2", "tcp", "1005", "10.1.1.6", "80")));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).path()).isEqualTo("portForwards[2].publicPorts");
        assertThat(p.get(0).message()).contains("conflicts with portForwards[0].publicPorts");
    }

    @Test
    void icmpFieldsBelongToIcmpAndCodesNeedTypes() {
        RouterConfig c = new RouterConfig(null, null, null, List.of(
                new FirewallRule("203.0.113.2", "tcp", "22", 8, null, null),
                new FirewallRule("203.0.113.2", "icmp", null, null, 0, null),
                new FirewallRule("203.0.113.2", "icmp", null, 256, null, null),
                new FirewallRule("203.0.113.2", "icmpv6", null, 128, null, null),
                new FirewallRule("203.0.113.2", "tcp", "22", null, null, List.of("2001:db8::/32"))), null, null, null, null, null, null);
        assertThat(Validator.problems(c)).extracting(Problem::path).containsExactly("firewall[0].icmpType",
                "firewall[1].icmpCode", "firewall[2].icmpType", "firewall[3].protocol", "firewall[4].sourceCidrs[0]");
    }

    @Test
    void namesThatCouldEscapeIntoACommandAreRefused() {
        RouterConfig c = new RouterConfig(List.of(new Interface("eth0\"; flush", "guest", null, null),
                new Interface("-rf", "guest", null, null)), null, null, null, null, null, null, null,
                List.of(new AclTier("web tier", "eth1", null, null, null)), null);
        assertThat(Validator.problems(c)).extracting(Problem::path).containsExactly("interfaces[0].name", "interfaces[1].name",
                "acls[0].tier");
    }

    @Test
    void aclRuleNumbersAreUniquePerDirection() {
        AclRule in10 = new AclRule(10, "ingress", "allow", "all", null, null, null, null);
        AclRule out10 = new AclRule(10, "egress", "deny", "all", null, null, null, null);
        AclRule in10again = new AclRule(10, "ingress", "deny", "tcp", "22", null, null, null);
        RouterConfig c = new RouterConfig(null, null, null, null, null, null, null, null,
                List.of(new AclTier("web", "eth1", List.of(in10, out10, in10again), null, null)), null);
        List<Problem> p = Validator.problems(c);
        assertThat(p).extracting(Problem::path).containsExactly("acls[0].rules[2].number");
        assertThat(p.get(0).message()).contains("conflicts with acls[0].rules[0].number");
    }

    @Test
    void nullItemsAreReportedNotCrashedOn() {
        RouterConfig c = new RouterConfig(java.util.Arrays.asList((Interface) null), null, null, null, null, null, null, null,
                null, null);
        assertThat(Validator.problems(c)).extracting(Problem::toString).containsExactly("interfaces[0]: missing");
    }

    @Test
    void strictAddressParsingNeverResolvesNames() {
        assertThat(Net.ip("localhost")).isEmpty();
        assertThat(Net.ip("010.1.1.1")).isEmpty();
        assertThat(Net.ip("1.2.3")).isEmpty();
        assertThat(Net.ip("fe80::1%eth0")).isEmpty();
        assertThat(Net.ip("2001:db8::1")).isPresent();
        assertThat(Net.cidr("10.1.1.7/24").orElseThrow().network().toString()).isEqualTo("10.1.1.0/24");
        assertThat(Net.cidr("2001:db8::1/129")).isEmpty();
        assertThat(Net.ports("65535")).isPresent();
        assertThat(Net.ports("1-65536")).isEmpty();
    }
}
