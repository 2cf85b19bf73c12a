package dev.strata.agent.model;

import dev.strata.agent.model.Net.Cidr;
import dev.strata.agent.model.Net.PortRange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a whole {@link RouterConfig}: every address, prefix, port, protocol, ICMP type and name,
 * and conflicts between items (each conflict names both places). Only a configuration that
 * passes reaches the renderers, which therefore never see a value they must escape.
 */
public final class Validator {

    static final Set<String> ROLES = Set.of("public", "guest", "control", "other");
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "icmp", "icmpv6", "all");
    static final Set<String> POLICIES = Set.of("allow", "deny");
    static final Set<String> DIRECTIONS = Set.of("ingress", "egress");

    private final List<Problem> problems = new ArrayList<>();
    private final RouterConfig config;
    private final ValidParts known;

    private Validator(RouterConfig config, ValidParts known) {
        this.config = config;
        this.known = known;
    }

    /**
     * Parts of the last valid configuration, by identity: a part that is the very same
     * (immutable) list again, as when a patch changes another part, needs no second check.
     * Only checks within one part are skipped; checks across parts always run.
     */
    public static final class ValidParts {
        private final Set<Object> parts = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        boolean contains(List<?> part) {
            return !part.isEmpty() && parts.contains(part);
        }

        /** The same parts, remembered apart: what a dry run validates must not stay reachable from here. */
        public ValidParts copy() {
            ValidParts c = new ValidParts();
            c.parts.addAll(parts);
            return c;
        }

        void remember(RouterConfig c) {
            parts.clear();
            for (ConfigPart p : ConfigPart.values()) {
                parts.add(p.get(c));
            }
        }
    }

    /** Every problem of the configuration; empty when it may be applied. */
    public static List<Problem> problems(RouterConfig config) {
        return problems(config, new ValidParts());
    }

    public static List<Problem> problems(RouterConfig config, ValidParts known) {
        Validator v = new Validator(config, known);
        v.run();
        if (v.problems.isEmpty()) {
            known.remember(config);
        }
        return List.copyOf(v.problems);
    }

    /** @throws InvalidConfigException naming every problem */
    public static void check(RouterConfig config) {
        check(config, new ValidParts());
    }

    public static void check(RouterConfig config, ValidParts known) {
        List<Problem> p = problems(config, known);
        if (!p.isEmpty()) {
            throw new InvalidConfigException(p);
        }
    }

    private void run() {
        if (!known.contains(config.interfaces())) {
            interfaces();
        }
        if (!known.contains(config.routes())) {
            routes();
        }
        if (!known.contains(config.policyRules())) {
            policyRules();
        }
        if (!known.contains(config.firewall())) {
            firewall();
        }
        if (!known.contains(config.egress())) {
            egress();
        }
        if (!known.contains(config.portForwards())) {
            portForwards();
        }
        staticNats();
        sourceNats();
        if (!known.contains(config.acls())) {
            acls();
        }
        if (!known.contains(config.staticRoutes())) {
            staticRoutes();
        }
        inputRules(); // few items, and it names interfaces: always checked against the current ones
    }

    private void inputRules() {
        Map<InputRule, String> seen = new HashMap<>();
        for (int i = 0; i < config.inputRules().size(); i++) {
            String p = "inputRules[" + i + "]";
            InputRule r = config.inputRules().get(i);
            if (r == null) {
                missing(p);
                continue;
            }
            if (ifname(p + ".interface", r.interfaceName(), true) && !knownInterface(r.interfaceName())) {
                add(p + ".interface", r.interfaceName(), "no such interface in interfaces");
            }
            protocolFields(p, r.protocol(), r.ports(), r.icmpType(), null, Optional.empty());
            if (("tcp".equals(r.protocol()) || "udp".equals(r.protocol())) && r.ports() == null) {
                add(p + ".ports", null, "an opening for tcp or udp needs its ports");
            }
            cidrs(p + ".sourceCidrs", r.sourceCidrs(), Optional.empty());
            unique(seen, r, p, "input rule");
        }
    }

    private void interfaces() {
        Map<String, String> names = new HashMap<>();
        Map<InetAddress, String> addresses = new HashMap<>();
        for (int i = 0; i < config.interfaces().size(); i++) {
            String p = "interfaces[" + i + "]";
            Interface it = config.interfaces().get(i);
            if (it == null) {
                missing(p);
                continue;
            }
            if (ifname(p + ".name", it.name(), true)) {
                unique(names, it.name(), p + ".name", "interface name");
            }
            oneOf(p + ".role", it.role(), ROLES, true);
            if (it.mtu() != null && (it.mtu() < 68 || it.mtu() > 65535)) {
                add(p + ".mtu", it.mtu(), "MTU must be 68-65535");
            }
            for (int j = 0; j < it.addresses().size(); j++) {
                String ap = p + ".addresses[" + j + "]";
                String a = it.addresses().get(j);
                if (a == null || !a.contains("/")) {
                    add(ap, a, "expected an address with prefix length, e.g. 10.1.1.1/24 or 2001:db8::1/64");
                    continue;
                }
                Optional<Cidr> c = Net.cidr(a);
                if (c.isEmpty()) {
                    add(ap, a, "not an IPv4 or IPv6 address with a valid prefix length");
                } else {
                    unique(addresses, c.get().address(), ap, "address");
                }
            }
        }
    }

    private void routes() {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < config.routes().size(); i++) {
            String p = "routes[" + i + "]";
            Route r = config.routes().get(i);
            if (r == null) {
                missing(p);
                continue;
            }
            Optional<Cidr> dst = cidr(p + ".destination", r.destination(), true);
            Optional<InetAddress> gw = ip(p + ".gateway", r.gateway(), false);
            ifname(p + ".device", r.device(), false);
            if (r.gateway() == null && r.device() == null) {
                add(p, null, "a route needs a gateway, a device or both");
            }
            sameFamily(p + ".gateway", r.gateway(), dst, gw);
            table(p + ".table", r.table(), false);
            if (r.metric() != null && r.metric() < 0) {
                add(p + ".metric", r.metric(), "metric must be 0 or more");
            }
            dst.ifPresent(d -> unique(seen, d.network() + " table " + (r.table() == null ? 254 : r.table()) + " metric "
                    + (r.metric() == null ? 0 : r.metric()), p, "route"));
        }
    }

    private void policyRules() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; i < config.policyRules().size(); i++) {
            String p = "policyRules[" + i + "]";
            PolicyRule r = config.policyRules().get(i);
            if (r == null) {
                missing(p);
                continue;
            }
            if (r.priority() == null || r.priority() < 1 || r.priority() > 32765) {
                add(p + ".priority", r.priority(), "priority must be 1-32765 (0, 32766 and 32767 are the kernel's)");
            } else {
                unique(seen, r.priority(), p + ".priority", "policy rule priority");
            }
            cidr(p + ".from", r.from(), false);
            cidr(p + ".to", r.to(), false);
            ifname(p + ".iif", r.iif(), false);
            table(p + ".table", r.table(), true);
            if (r.from() == null && r.to() == null && r.iif() == null) {
                add(p, null, "a policy rule needs from, to or iif");
            }
        }
    }

    private void firewall() {
        Map<FirewallRule, String> seen = new HashMap<>();
        for (int i = 0; i < config.firewall().size(); i++) {
            String p = "firewall[" + i + "]";
            FirewallRule r = config.firewall().get(i);
            if (r == null) {
                missing(p);
                continue;
            }
            Optional<InetAddress> ip = ip(p + ".publicIp", r.publicIp(), true);
            protocolFields(p, r.protocol(), r.ports(), r.icmpType(), r.icmpCode(), ip.map(Net::isV4));
            cidrs(p + ".sourceCidrs", r.sourceCidrs(), ip.map(Net::isV4));
            unique(seen, r, p, "firewall rule");
        }
    }

    private void egress() {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < config.egress().size(); i++) {
            String p = "egress[" + i + "]";
            EgressPolicy e = config.egress().get(i);
            if (e == null) {
                missing(p);
                continue;
            }
            Optional<Cidr> net = cidr(p + ".network", e.network(), true);
            net.ifPresent(n -> unique(seen, n.network().toString(), p + ".network", "egress network"));
            oneOf(p + ".defaultPolicy", e.defaultPolicy(), POLICIES, true);
            for (int j = 0; j < e.rules().size(); j++) {
                String rp = p + ".rules[" + j + "]";
                EgressRule r = e.rules().get(j);
                if (r == null) {
                    missing(rp);
                    continue;
                }
                protocolFields(rp, r.protocol(), r.ports(), r.icmpType(), r.icmpCode(), net.map(Cidr::v4));
                cidrs(rp + ".destinationCidrs", r.destinationCidrs(), net.map(Cidr::v4));
            }
        }
    }

    /** A port forward's public side, parsed once, for conflict checks. */
    private record PublicPorts(PortRange ports, String path, String text) {
    }

    private void portForwards() {
        // Conflicts only between forwards of the same address and protocol: index by that, not all pairs.
        Map<String, List<PublicPorts>> byAddress = new HashMap<>();
        for (int i = 0; i < config.portForwards().size(); i++) {
            String p = "portForwards[" + i + "]";
            PortForward f = config.portForwards().get(i);
            if (f == null) {
                missing(p);
                continue;
            }
            Optional<InetAddress> pub = ipv4(p + ".publicIp", f.publicIp());
            ipv4(p + ".privateIp", f.privateIp());
            boolean protoOk = oneOf(p + ".protocol", f.protocol(), Set.of("tcp", "udp"), true);
            Optional<PortRange> pubPorts = ports(p + ".publicPorts", f.publicPorts(), true);
            Optional<PortRange> privPorts = ports(p + ".privatePorts", f.privatePorts(), true);
            if (pubPorts.isPresent() && privPorts.isPresent()) {
                if (pubPorts.get().size() > 1 && !pubPorts.get().equals(privPorts.get())) {
                    add(p + ".privatePorts", f.privatePorts(), "a port range is forwarded to the same range ("
                            + pubPorts.get() + "); only a single port may be translated");
                } else if (pubPorts.get().size() == 1 && privPorts.get().size() > 1) {
                    add(p + ".privatePorts", f.privatePorts(), "a single public port forwards to a single private port");
                }
            }
            cidrs(p + ".sourceCidrs", f.sourceCidrs(), Optional.of(true));
            if (pub.isPresent() && protoOk && pubPorts.isPresent()) {
                List<PublicPorts> same = byAddress.computeIfAbsent(Net.text(pub.get()) + " " + f.protocol(), k -> new ArrayList<>());
                for (PublicPorts o : same) {
                    if (o.ports().overlaps(pubPorts.get())) {
                        add(p + ".publicPorts", f.publicPorts(), "conflicts with " + o.path() + ".publicPorts ("
                                + o.text() + "): both forward " + f.protocol() + " ports of " + f.publicIp());
                    }
                }
                same.add(new PublicPorts(pubPorts.get(), p, f.publicPorts()));
            }
        }
    }

    private void staticNats() {
        Map<InetAddress, String> pubs = new HashMap<>();
        Map<InetAddress, String> privs = new HashMap<>();
        for (int i = 0; i < config.staticNats().size(); i++) {
            String p = "staticNats[" + i + "]";
            StaticNat s = config.staticNats().get(i);
            if (s == null) {
                missing(p);
                continue;
            }
            ipv4(p + ".publicIp", s.publicIp()).ifPresent(a -> {
                unique(pubs, a, p + ".publicIp", "static NAT public IP");
                Integer j = forwardedAddresses().get(a);
                if (j != null) {
                    add(p + ".publicIp", s.publicIp(), "conflicts with portForwards[" + j
                            + "].publicIp: a static NAT address forwards every port, it cannot also have port forwards");
                }
            });
            ipv4(p + ".privateIp", s.privateIp()).ifPresent(a -> unique(privs, a, p + ".privateIp", "static NAT private IP"));
        }
    }

    private Map<InetAddress, Integer> forwarded;

    /** Public addresses that have port forwards, with the first forward's index. */
    private Map<InetAddress, Integer> forwardedAddresses() {
        if (forwarded == null) {
            forwarded = new HashMap<>();
            for (int j = 0; j < config.portForwards().size(); j++) {
                PortForward f = config.portForwards().get(j);
                if (f != null) {
                    int index = j;
                    Net.ip(f.publicIp()).ifPresent(a -> forwarded.putIfAbsent(a, index));
                }
            }
        }
        return forwarded;
    }

    private void sourceNats() {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < config.sourceNats().size(); i++) {
            String p = "sourceNats[" + i + "]";
            SourceNat s = config.sourceNats().get(i);
            if (s == null) {
                missing(p);
                continue;
            }
            Optional<Cidr> net = cidr(p + ".network", s.network(), true);
            if (net.isPresent() && !net.get().v4()) {
                add(p + ".network", s.network(), "source NAT is IPv4 only");
            }
            net.ifPresent(n -> unique(seen, n.network().toString(), p + ".network", "source NAT network"));
            if (ifname(p + ".outInterface", s.outInterface(), true) && !knownInterface(s.outInterface())) {
                add(p + ".outInterface", s.outInterface(), "not one of this configuration's interfaces");
            }
            ipv4(p + ".toAddress", s.toAddress());
        }
    }

    private void acls() {
        Map<String, String> tiers = new HashMap<>();
        Map<String, String> devices = new HashMap<>();
        for (int i = 0; i < config.acls().size(); i++) {
            String p = "acls[" + i + "]";
            AclTier t = config.acls().get(i);
            if (t == null) {
                missing(p);
                continue;
            }
            if (t.tier() == null || !Net.isIdentifier(t.tier())) {
                add(p + ".tier", t.tier(), "a tier name is a letter then up to 31 letters, digits or _");
            } else {
                unique(tiers, t.tier(), p + ".tier", "tier");
            }
            if (ifname(p + ".device", t.device(), true)) {
                unique(devices, t.device(), p + ".device", "ACL device");
            }
            oneOf(p + ".defaultIngress", t.defaultIngress(), POLICIES, false);
            oneOf(p + ".defaultEgress", t.defaultEgress(), POLICIES, false);
            Map<String, String> numbers = new HashMap<>();
            for (int j = 0; j < t.rules().size(); j++) {
                String rp = p + ".rules[" + j + "]";
                AclRule r = t.rules().get(j);
                if (r == null) {
                    missing(rp);
                    continue;
                }
                boolean dirOk = oneOf(rp + ".direction", r.direction(), DIRECTIONS, true);
                if (r.number() == null || r.number() < 1) {
                    add(rp + ".number", r.number(), "rule number must be 1 or more");
                } else if (dirOk) {
                    unique(numbers, r.direction() + " " + r.number(), rp + ".number", r.direction() + " rule number");
                }
                oneOf(rp + ".action", r.action(), POLICIES, true);
                protocolFields(rp, r.protocol(), r.ports(), r.icmpType(), r.icmpCode(), Optional.empty());
                Optional<Boolean> family = "icmp".equals(r.protocol()) ? Optional.of(true)
                        : "icmpv6".equals(r.protocol()) ? Optional.of(false) : Optional.empty();
                cidrs(rp + ".cidrs", r.cidrs(), family);
            }
        }
    }

    private void staticRoutes() {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < config.staticRoutes().size(); i++) {
            String p = "staticRoutes[" + i + "]";
            StaticRoute r = config.staticRoutes().get(i);
            if (r == null) {
                missing(p);
                continue;
            }
            Optional<Cidr> net = cidr(p + ".network", r.network(), true);
            Optional<InetAddress> gw = ip(p + ".gateway", r.gateway(), true);
            sameFamily(p + ".gateway", r.gateway(), net, gw);
            net.ifPresent(n -> unique(seen, n.network().toString(), p + ".network", "static route"));
        }
    }

    // ---- shared checks ----

    /**
     * protocol, ports and ICMP fields together. {@code v4} is the address family the rule lives
     * in when known (icmp is IPv4's, icmpv6 IPv6's).
     */
    private void protocolFields(String p, String protocol, String ports, Integer icmpType, Integer icmpCode,
                                Optional<Boolean> v4) {
        if (!oneOf(p + ".protocol", protocol, PROTOCOLS, true)) {
            return;
        }
        boolean l4 = protocol.equals("tcp") || protocol.equals("udp");
        boolean icmp = protocol.startsWith("icmp");
        if (l4) {
            ports(p + ".ports", ports, false);
        } else if (ports != null) {
            add(p + ".ports", ports, "ports apply to tcp and udp only, not " + protocol);
        }
        if (!icmp && (icmpType != null || icmpCode != null)) {
            add(p + (icmpType != null ? ".icmpType" : ".icmpCode"), icmpType != null ? icmpType : icmpCode,
                    "ICMP type and code apply to icmp and icmpv6 only, not " + protocol);
        }
        if (icmp) {
            if (icmpType != null && (icmpType < 0 || icmpType > 255)) {
                add(p + ".icmpType", icmpType, "ICMP type must be 0-255");
            }
            if (icmpCode != null && (icmpCode < 0 || icmpCode > 255)) {
                add(p + ".icmpCode", icmpCode, "ICMP code must be 0-255");
            }
            if (icmpCode != null && icmpType == null) {
                add(p + ".icmpCode", icmpCode, "an ICMP code needs an ICMP type");
            }
            if (v4.isPresent() && v4.get() != protocol.equals("icmp")) {
                add(p + ".protocol", protocol, "does not match the address family (" + (v4.get() ? "IPv4" : "IPv6") + ")");
            }
        }
    }

    private void cidrs(String p, List<String> list, Optional<Boolean> v4) {
        for (int j = 0; j < list.size(); j++) {
            Optional<Cidr> c = cidr(p + "[" + j + "]", list.get(j), true);
            if (c.isPresent() && v4.isPresent() && c.get().v4() != v4.get()) {
                add(p + "[" + j + "]", list.get(j), "is " + (c.get().v4() ? "IPv4" : "IPv6") + " but the rule is "
                        + (v4.get() ? "IPv4" : "IPv6"));
            }
        }
    }

    private Optional<Cidr> cidr(String p, String value, boolean required) {
        if (value == null) {
            if (required) {
                missing(p);
            }
            return Optional.empty();
        }
        Optional<Cidr> c = Net.cidr(value);
        if (c.isEmpty()) {
            add(p, value, "not an IPv4 or IPv6 CIDR (address/prefix length)");
        }
        return c;
    }

    private Optional<InetAddress> ip(String p, String value, boolean required) {
        if (value == null) {
            if (required) {
                missing(p);
            }
            return Optional.empty();
        }
        Optional<InetAddress> a = Net.ip(value);
        if (a.isEmpty()) {
            add(p, value, "not an IPv4 or IPv6 address");
        }
        return a;
    }

    private Optional<InetAddress> ipv4(String p, String value) {
        Optional<InetAddress> a = ip(p, value, true);
        if (a.isPresent() && !Net.isV4(a.get())) {
            add(p, value, "must be an IPv4 address");
            return Optional.empty();
        }
        return a;
    }

    private Optional<PortRange> ports(String p, String value, boolean required) {
        if (value == null) {
            if (required) {
                missing(p);
            }
            return Optional.empty();
        }
        Optional<PortRange> r = Net.ports(value);
        if (r.isEmpty()) {
            add(p, value, "not a port (1-65535) or port range (low-high, low <= high)");
        }
        return r;
    }

    private boolean ifname(String p, String value, boolean required) {
        if (value == null) {
            if (required) {
                missing(p);
            }
            return false;
        }
        if (!Net.isInterfaceName(value)) {
            add(p, value, "not an interface name (a letter, then up to 14 letters, digits, '_', '.', '-')");
            return false;
        }
        return true;
    }

    private void table(String p, Integer value, boolean required) {
        if (value == null) {
            if (required) {
                missing(p);
            }
            return;
        }
        if (value < 1 || value == 255) {
            add(p, value, "routing table must be 1 or more and not 255 (local)");
        }
    }

    private boolean oneOf(String p, String value, Set<String> allowed, boolean required) {
        if (value == null) {
            if (required) {
                add(p, null, "missing; one of " + sorted(allowed));
            }
            return false;
        }
        if (!allowed.contains(value)) {
            add(p, value, "must be one of " + sorted(allowed));
            return false;
        }
        return true;
    }

    private void sameFamily(String p, String value, Optional<Cidr> net, Optional<InetAddress> gw) {
        if (net.isPresent() && gw.isPresent() && net.get().v4() != Net.isV4(gw.get())) {
            add(p, value, "gateway and destination are of different address families");
        }
    }

    private boolean knownInterface(String name) {
        return config.interfaces().stream().anyMatch(i -> i != null && name.equals(i.name()));
    }

    private <K> void unique(Map<K, String> seen, K key, String path, String what) {
        String first = seen.putIfAbsent(key, path);
        if (first != null) {
            add(path, String.valueOf(key), "conflicts with " + first + ": the same " + what + " in two places");
        }
    }

    private void missing(String p) {
        add(p, null, "missing");
    }

    private void add(String path, Object value, String message) {
        problems.add(new Problem(path, value == null ? null : String.valueOf(value), message));
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }
}
