package dev.strata.agent.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import dev.strata.agent.model.PolicyRule;
import dev.strata.agent.model.Route;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.StaticRoute;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Links, addresses, routes and policy rules through {@code ip -json} (read, two processes) and
 * {@code ip -batch} (write, one process), whatever the number of items. Routes and rules the
 * agent owns carry protocol number {@value #PROTO}, so stale ones are found in the kernel itself
 * and nothing else's routes are touched. Addresses are managed on the configuration's interfaces
 * (and removed from interfaces the previous configuration had).
 */
public final class IpPlane {

    /** The routing protocol number marking Strata's routes and rules ("proto 250"). */
    public static final int PROTO = 250;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String program;
    /** Plain, not the API's strict mapper: {@code ip -json -batch} prints one document per command. */
    private final ObjectMapper mapper = new ObjectMapper();

    public IpPlane(String program) {
        this.program = program;
    }

    /**
     * The {@code ip -batch} commands that turn the kernel's current state into {@code next}: the
     * IPv4 batch (links, addresses and routes of both families, IPv4 rules) and the IPv6 rules,
     * which {@code ip rule} only takes with {@code -6}.
     */
    public record Plan(List<String> batch, List<String> batch6) {
        public boolean isEmpty() {
            return batch.isEmpty() && batch6.isEmpty();
        }
    }

    public Plan plan(RouterConfig next, RouterConfig previous) {
        Kernel k = read();
        List<String> missing = next.interfaces().stream().map(Interface::name).filter(n -> !k.links.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new ApplyException("no such network interface on this router: " + String.join(", ", missing)
                    + " (interfaces[].name)");
        }
        List<String> batch = new ArrayList<>();
        List<String> batch6 = new ArrayList<>();
        addresses(next, previous, k, batch);
        routes(next, k, batch);
        rules(next, true, k.rules4, batch);
        rules(next, false, k.rules6, batch6);
        return new Plan(batch, batch6);
    }

    public void apply(RouterConfig next, RouterConfig previous) {
        Plan plan = plan(next, previous);
        run(List.of(program, "-batch", "-"), plan.batch());
        run(List.of(program, "-6", "-batch", "-"), plan.batch6());
    }

    private static void run(List<String> command, List<String> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Commands.Result r = Commands.run(command, String.join("\n", batch) + "\n", TIMEOUT);
        if (!r.ok()) {
            throw new ApplyException("ip refused a change: " + r.why());
        }
    }

    private void addresses(RouterConfig next, RouterConfig previous, Kernel k, List<String> batch) {
        Set<String> managed = new HashSet<>();
        for (Interface i : next.interfaces()) {
            managed.add(i.name());
            LinkState link = k.linkStates.get(i.name());
            if (!link.up() || (i.mtu() != null && i.mtu() != link.mtu())) {
                batch.add("link set dev " + i.name() + (i.mtu() == null ? "" : " mtu " + i.mtu()) + " up");
            }
            Set<String> want = new HashSet<>();
            for (String a : i.addresses()) {
                Cidr c = Net.cidr(a).orElseThrow();
                want.add(c.toString());
                if (!k.addresses.getOrDefault(i.name(), Set.of()).contains(c.toString())) {
                    batch.add("address add " + c + " dev " + i.name());
                }
            }
            for (String have : k.addresses.getOrDefault(i.name(), Set.of())) {
                if (!want.contains(have)) {
                    batch.add("address del " + have + " dev " + i.name());
                }
            }
        }
        for (Interface i : previous.interfaces()) {
            if (!managed.contains(i.name()) && k.links.contains(i.name())) {
                for (String a : i.addresses()) {
                    String c = Net.cidr(a).orElseThrow().toString();
                    if (k.addresses.getOrDefault(i.name(), Set.of()).contains(c)) {
                        batch.add("address del " + c + " dev " + i.name());
                    }
                }
            }
        }
    }

    private void routes(RouterConfig next, Kernel k, List<String> batch) {
        Map<String, String> want = new LinkedHashMap<>();
        for (Route r : next.routes()) {
            Cidr dst = Net.cidr(r.destination()).orElseThrow().network();
            int table = r.table() == null ? 254 : r.table();
            int metric = r.metric() == null ? 0 : r.metric();
            StringBuilder b = new StringBuilder("route replace ").append(dst);
            if (r.gateway() != null) {
                b.append(" via ").append(Net.text(Net.ip(r.gateway()).orElseThrow()));
            }
            if (r.device() != null) {
                b.append(" dev ").append(r.device());
            }
            b.append(" table ").append(table).append(" metric ").append(metric).append(" proto ").append(PROTO);
            want.put(dst + " " + table + " " + metric, b.toString());
        }
        for (StaticRoute r : next.staticRoutes()) {
            Cidr dst = Net.cidr(r.network()).orElseThrow().network();
            want.putIfAbsent(dst + " 254 0", "route replace " + dst + " via " + Net.text(Net.ip(r.gateway()).orElseThrow())
                    + " table 254 metric 0 proto " + PROTO);
        }
        for (String have : k.routes) {
            if (!want.containsKey(have)) {
                String[] f = have.split(" ");
                batch.add("route del " + f[0] + " table " + f[1] + " metric " + f[2] + " proto " + PROTO);
            }
        }
        batch.addAll(want.values());
    }

    private void rules(RouterConfig next, boolean v4, Set<String> have4or6, List<String> batch) {
        Set<String> want = new HashSet<>();
        List<String> add = new ArrayList<>();
        for (PolicyRule r : next.policyRules()) {
            String any = r.from() != null ? r.from() : r.to();
            if (any != null && Net.cidr(any).orElseThrow().v4() != v4) {
                continue; // a rule with only iif is made for both families
            }
            String sig = ruleSignature(r.priority(), r.from() == null ? null : Net.cidr(r.from()).orElseThrow().network().toString(),
                    r.to() == null ? null : Net.cidr(r.to()).orElseThrow().network().toString(), r.iif(), r.table());
            want.add(sig);
            if (!have4or6.contains(sig)) {
                add.add(sig);
            }
        }
        for (String have : have4or6) {
            if (!want.contains(have)) {
                batch.add("rule del " + have);
            }
        }
        for (String a : add) {
            batch.add("rule add " + a);
        }
    }

    private static String ruleSignature(int priority, String from, String to, String iif, int table) {
        StringBuilder b = new StringBuilder("priority ").append(priority);
        if (from != null) {
            b.append(" from ").append(from);
        }
        if (to != null) {
            b.append(" to ").append(to);
        }
        if (iif != null) {
            b.append(" iif ").append(iif);
        }
        return b.append(" table ").append(table).append(" protocol ").append(PROTO).toString();
    }

    // ---- reading the kernel ----

    /** What the kernel has now: links, addresses per link (global ones), our routes and rules. */
    private record Kernel(Set<String> links, Map<String, LinkState> linkStates, Map<String, Set<String>> addresses,
                          Set<String> routes, Set<String> rules4, Set<String> rules6) {
    }

    private Kernel read() {
        List<JsonNode> v4 = batchShow(List.of(), "address show\nroute show table all proto " + PROTO + "\nrule show\n");
        List<JsonNode> v6 = batchShow(List.of("-6"), "route show table all proto " + PROTO + "\nrule show\n");
        Set<String> links = new HashSet<>();
        Map<String, LinkState> states = new HashMap<>();
        Map<String, Set<String>> addrs = new LinkedHashMap<>();
        for (JsonNode link : v4.get(0)) {
            String name = link.path("ifname").asText();
            links.add(name);
            boolean up = false;
            for (JsonNode flag : link.path("flags")) {
                up |= "UP".equals(flag.asText());
            }
            states.put(name, new LinkState(up, link.path("mtu").asInt()));
            Set<String> set = addrs.computeIfAbsent(name, n -> new HashSet<>());
            for (JsonNode a : link.path("addr_info")) {
                if ("link".equals(a.path("scope").asText()) && "inet6".equals(a.path("family").asText())) {
                    continue; // fe80::/64, the kernel's own
                }
                Net.cidr(a.path("local").asText() + "/" + a.path("prefixlen").asInt()).ifPresent(c -> set.add(c.toString()));
            }
        }
        Set<String> routes = new HashSet<>();
        collectRoutes(v4.get(1), true, routes);
        collectRoutes(v6.get(0), false, routes);
        Set<String> rules4 = new HashSet<>();
        collectRules(v4.get(2), rules4);
        Set<String> rules6 = new HashSet<>();
        collectRules(v6.get(1), rules6);
        return new Kernel(links, states, addrs, routes, rules4, rules6);
    }

    /** Whether a link is administratively up, and its MTU. */
    private record LinkState(boolean up, int mtu) {
    }

    private static void collectRoutes(JsonNode list, boolean v4, Set<String> out) {
        for (JsonNode r : list) {
            String dst = r.path("dst").asText();
            if (dst.equals("default")) {
                dst = v4 ? "0.0.0.0/0" : "::/0";
            } else if (!dst.contains("/")) {
                dst = dst + (v4 ? "/32" : "/128");
            }
            String table = r.path("table").asText("main");
            int t = switch (table) {
                case "main", "" -> 254;
                case "default" -> 253;
                case "local" -> 255;
                default -> Integer.parseInt(table);
            };
            Net.cidr(dst).ifPresent(c -> out.add(c.network() + " " + t + " " + r.path("metric").asInt(0)));
        }
    }

    private static void collectRules(JsonNode list, Set<String> out) {
        for (JsonNode r : list) {
            if (!String.valueOf(PROTO).equals(r.path("protocol").asText())) {
                continue;
            }
            String from = r.has("srclen") ? r.path("src").asText() + "/" + r.path("srclen").asInt() : null;
            String to = r.has("dstlen") ? r.path("dst").asText() + "/" + r.path("dstlen").asInt() : null;
            String iif = r.has("iif") ? r.path("iif").asText() : null;
            out.add(ruleSignature(r.path("priority").asInt(), from, to, iif, Integer.parseInt(r.path("table").asText("254")
                    .replace("main", "254"))));
        }
    }

    private List<JsonNode> batchShow(List<String> options, String commands) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program);
        cmd.addAll(options);
        cmd.add("-json");
        cmd.add("-batch");
        cmd.add("-");
        Commands.Result r = Commands.run(cmd, commands, TIMEOUT);
        if (!r.ok()) {
            throw new ApplyException("cannot read the network state with ip: " + r.why());
        }
        List<JsonNode> out = new ArrayList<>();
        // One JSON array per command, one after the other (a MappingIterator would unwrap the first array).
        try (JsonParser p = mapper.getFactory().createParser(r.stdout())) {
            while (p.nextToken() != null) {
                out.add(mapper.readTree(p));
            }
        } catch (IOException e) {
            throw new ApplyException("cannot parse ip -json output: " + e.getMessage());
        }
        if (out.size() != commands.split("\n").length) {
            throw new ApplyException("unexpected ip -json output: " + out.size() + " answers to " + commands.strip());
        }
        return out;
    }
}
