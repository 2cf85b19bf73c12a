package dev.strata.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.strata.agent.model.AclRule;
import dev.strata.agent.model.AclTier;
import dev.strata.agent.model.EgressPolicy;
import dev.strata.agent.model.EgressRule;
import dev.strata.agent.model.FirewallRule;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.PolicyRule;
import dev.strata.agent.model.PortForward;
import dev.strata.agent.model.Route;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.SourceNat;
import dev.strata.agent.model.StaticNat;
import dev.strata.agent.model.StaticRoute;
import dev.strata.agent.model.Validator;
import dev.strata.agent.plane.NftRenderer;
import dev.strata.agent.plane.RenderCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the request path once on a small made-up router, off the service and away from the
 * kernel, right after the API opens. A JVM's first use of the JSON binding, the validator and
 * the renderer costs far more than their work (class loading and initialisation, Jackson
 * building its deserializers: measured 0.2 s of the first 10,000-rule apply), and the first
 * apply after a VR boots is the one CloudStack waits for. Nothing here touches the router's
 * state, so a request arriving meanwhile is served as usual.
 */
public final class Warmup {

    private Warmup() {
    }

    /** Starts the warm-up on a low-priority daemon thread. */
    public static void inBackground(ObjectMapper mapper, ObjectWriter answers) {
        Thread t = new Thread(() -> run(mapper, answers), "warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run(ObjectMapper mapper, ObjectWriter answers) {
        try {
            RouterConfig sample = sample();
            byte[] json = mapper.writeValueAsBytes(sample);
            RouterConfig parsed = mapper.readValue(json, RouterConfig.class);
            Validator.check(parsed);
            NftRenderer.render(parsed, new RenderCache()).fullScript();
            ConfigDiff diff = ConfigDiff.between(RouterConfig.EMPTY, parsed);
            answers.writeValueAsBytes(new RouterService.Outcome(1, true, false, diff, null, null, java.util.Map.of("validate", 1L)));
            answers.writeValueAsBytes(new RouterService.Outcome(1, true, false, diff.counts(), null, null, java.util.Map.of()));
        } catch (IOException | RuntimeException e) {
            // Only speed is at stake: the first real request pays the start-up cost instead.
            System.err.println("strata-agent: warm-up skipped: " + e);
        }
    }

    /** Every part, every protocol, a few items each (documentation addresses, never applied). */
    static RouterConfig sample() {
        List<FirewallRule> fw = new ArrayList<>();
        List<PortForward> pf = new ArrayList<>();
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fw.add(new FirewallRule("203.0.113." + (10 + i), i % 2 == 0 ? "tcp" : "udp", Integer.toString(1000 + i), null, null,
                    List.of("198.51.100." + i + "/32")));
            pf.add(new PortForward("203.0.113.100", "tcp", Integer.toString(2000 + i), "10.1.1." + (10 + i), "22", null, null));
            cidrs.add("192.0.2." + i + "/32");
        }
        fw.add(new FirewallRule("203.0.113.10", "icmp", null, 8, null, List.of()));
        fw.add(new FirewallRule("2001:db8::10", "icmpv6", null, 128, null, List.of()));
        fw.add(new FirewallRule("203.0.113.11", "all", null, null, null, List.of("198.51.100.0/24")));
        pf.add(new PortForward("203.0.113.101", "udp", "5000-5010", "10.1.1.50", "5000-5010", List.of("198.51.100.0/24"), false));
        return new RouterConfig(
                List.of(new Interface("eth2", "public", null, List.of("203.0.113.2/24", "2001:db8::2/64")),
                        new Interface("eth0", "guest", 1450, List.of("10.1.1.1/24"))),
                List.of(new Route("0.0.0.0/0", "203.0.113.1", null, 100, null)),
                List.of(new PolicyRule(100, "10.1.1.0/24", null, null, 100)),
                fw,
                List.of(new EgressPolicy("10.1.1.0/24", "deny", List.of(new EgressRule("tcp", "80-443", null, null, List.of()),
                        new EgressRule("icmp", null, 8, 0, List.of("0.0.0.0/0"))))),
                pf,
                List.of(new StaticNat("203.0.113.200", "10.1.1.200")),
                List.of(new SourceNat("10.1.1.0/24", "eth2", "203.0.113.2")),
                List.of(new AclTier("web", "eth0", List.of(new AclRule(10, "ingress", "allow", "tcp", "80", null, null, cidrs),
                        new AclRule(20, "egress", "deny", "icmp", null, 8, null, List.of("10.0.0.0/8"))), null, null)),
                List.of(new StaticRoute("192.0.2.0/24", "10.1.1.254")));
    }
}
