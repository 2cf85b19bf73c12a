package dev.strata.agent.plane;

import dev.strata.agent.model.AclRule;
import dev.strata.agent.model.AclTier;
import dev.strata.agent.model.EgressPolicy;
import dev.strata.agent.model.EgressRule;
import dev.strata.agent.model.FirewallRule;
import dev.strata.agent.model.InputRule;
import dev.strata.agent.service.Opening;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import dev.strata.agent.model.Net.PortRange;
import dev.strata.agent.model.PortForward;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.SourceNat;
import dev.strata.agent.model.StaticNat;
import dev.strata.agent.plane.SetElement.Exact;
import dev.strata.agent.plane.SetElement.Prefix;
import dev.strata.agent.plane.SetElement.Range;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Renders a validated {@link RouterConfig} into the one nftables table {@code inet strata}.
 *
 * <p>Where packets go: (1) prerouting at priority -150 (before DNAT, so it sees the public
 * address and port the client used): established traffic passes, the ingress firewall sets
 * accept openings, and anything else addressed to a public IP is dropped (CloudStack's
 * default-deny ingress). (2) DNAT: port forwards and static NAT through maps. (3) forward:
 * VPC tier ACLs through verdict maps keyed by interface, then egress policies for traffic leaving
 * through a public interface, then only DNAT'ed connections may enter from the public side.
 * (4) SNAT: static NAT, then source NAT per guest network.
 *
 * <p>Thousands of rules cost a set lookup each, not a rule each: firewall openings, port forwards,
 * egress matches and ACL CIDR lists are set and map elements. Counters are named per rule class.
 */
public final class NftRenderer {

    static final String[] COUNTERS = {"fw_ingress_accept", "fw_ingress_drop", "port_forward", "static_nat_in",
        "static_nat_out", "source_nat", "egress_accept", "egress_drop", "public_forward_drop"};

    private final RouterConfig config;
    private final List<Opening> openings;
    private final List<NftSet> sets = new ArrayList<>();
    private final List<String> counters = new ArrayList<>(List.of(COUNTERS));
    private final List<String> chains = new ArrayList<>();

    private final RenderCache cache;
    private final Map<String, Prefix> prefixes = new java.util.HashMap<>();
    private final Map<String, Exact> addresses = new java.util.HashMap<>();

    private NftRenderer(RouterConfig config, RenderCache cache, List<Opening> openings) {
        this.config = config;
        this.openings = openings;
        this.cache = cache;
    }

    public static Ruleset render(RouterConfig config) {
        return render(config, new RenderCache());
    }

    /**
     * Renders with {@code cache}: a section whose inputs (the parts it reads) are unchanged since
     * the last call is reused, so changing one firewall rule among 10,000 re-renders the firewall
     * openings only. The cache is not thread-safe; its owner serialises calls.
     */
    public static Ruleset render(RouterConfig config, RenderCache cache) {
        return render(config, cache, List.of());
    }

    /** {@link #render(RouterConfig, RenderCache)} with the services' input openings (sorted, so equal lists compare equal). */
    public static Ruleset render(RouterConfig config, RenderCache cache, List<Opening> openings) {
        NftRenderer r = new NftRenderer(config, cache, openings);
        r.build();
        return new Ruleset(r.counters, r.sets, r.chains);
    }

    private void build() {
        memo("public", List.of(config.interfaces(), config.firewall(), config.portForwards(), config.staticNats()), () -> {
            publicSide();
            return "";
        });
        String pre = preFilter();
        String nat = memo("dnat", List.of(config.portForwards(), config.staticNats()), this::preNat);
        String outNat = memo("dnat_out", List.of(config.portForwards(), config.staticNats()), this::outNat);
        String post = memo("snat", List.of(config.staticNats(), config.sourceNats(), config.interfaces()), this::postNat);
        String usage = memo("usage", List.of(config.interfaces()), this::usage);
        List<String> acl = memo("acls", List.of(config.acls()), this::acls);
        String egress = memo("egress", List.of(config.egress()), this::egress);
        chains.add(pre);
        chains.add(nat);
        chains.add(outNat);
        chains.add(usage);
        chains.add(memo("forward", List.of(config.acls()), this::forward));
        chains.add(egress);
        chains.addAll(acl);
        chains.add(post);
        // New chains go last: the swap script deletes chains in this order (KernelRefusalTest pins its start).
        if (!config.guestNetworks().isEmpty()) {
            chains.add(memo("guestGuard", List.of(config.interfaces(), config.guestNetworks(), config.dhcpHosts()),
                    this::guestGuard));
        }
        chains.add(memo("input", List.of(config.interfaces(), config.inputRules(), openings), this::input));
    }

    // ---- the router's own services: the input chain ----

    /**
     * Traffic addressed to the router itself. An interface the configuration names is the
     * agent's and gets default deny; one it does not name is not filtered (a fresh VR keeps its
     * control NIC). The public firewall (pre_filter) has already decided for public addresses.
     */
    private String input() {
        Set<String> managed = new LinkedHashSet<>();
        config.interfaces().forEach(i -> managed.add(quote(i.name())));
        List<String> open = new ArrayList<>();
        for (Opening o : openings) {
            open.add(o.element());
        }
        sets.add(new NftSet("input_open", "set", "type ifname . inet_proto . inet_service", open));
        counters.add("input_drop");
        StringBuilder c = chain("input", "type filter hook input priority filter; policy accept;");
        // Inline (few, and they change only with the interfaces): a named set's elements would
        // count among the table's elements, which part 1's tests and figures measure.
        c.append(managed.isEmpty() ? "    accept\n" : "    iifname != { " + String.join(", ", managed) + " } accept\n");
        c.append("    ct state established,related accept\n");
        c.append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept\n");
        for (Family f : Family.values()) {
            c.append("    ").append(f.ip).append(" daddr @public_").append(f.suffix).append(" accept\n");
        }
        c.append("    iifname . meta l4proto . th dport @input_open accept\n");
        for (int i = 0; i < config.inputRules().size(); i++) {
            InputRule r = config.inputRules().get(i);
            c.append("    iifname ").append(quote(r.interfaceName()));
            List<Cidr> src = new ArrayList<>();
            r.sourceCidrs().forEach(s -> src.add(Net.cidr(s).orElseThrow()));
            for (boolean v4 : new boolean[] {true, false}) {
                List<String> fam = new ArrayList<>();
                src.stream().filter(x -> x.v4() == v4).forEach(x -> fam.add(x.network().toString()));
                if (!fam.isEmpty()) {
                    c.append(v4 ? " ip saddr { " : " ip6 saddr { ").append(String.join(", ", fam)).append(" }");
                }
            }
            switch (r.protocol()) {
                case "tcp", "udp" -> c.append(' ').append(r.protocol()).append(" dport ").append(Net.ports(r.ports()).orElseThrow());
                case "icmp", "icmpv6" -> {
                    c.append(" meta l4proto ").append(r.protocol().equals("icmp") ? "icmp" : "ipv6-icmp");
                    if (r.icmpType() != null) {
                        c.append(' ').append(r.protocol()).append(" type ").append(r.icmpType());
                    }
                }
                default -> { }
            }
            c.append(" accept comment \"inputRules[").append(i).append("]\"\n");
        }
        c.append("    counter name \"input_drop\" drop\n");
        return end(c);
    }

    /**
     * Anti-spoofing on guest networks, before anything else sees the packet: a source address
     * outside the interface's subnets is dropped (DHCP's 0.0.0.0 excepted), and an address that a
     * DHCP host entry binds to a MAC is dropped from any other MAC. The password and metadata
     * servers know a guest by its source address only: this is what makes that safe.
     */
    private String guestGuard() {
        Map<String, Interface> ifs = new java.util.HashMap<>();
        config.interfaces().forEach(i -> ifs.put(i.name(), i));
        List<String> bound = new ArrayList<>();
        List<String> macIp = new ArrayList<>();
        for (var h : config.dhcpHosts()) {
            String ip = Net.text(Net.ip(h.ipv4()).orElseThrow());
            bound.add(ip);
            macIp.add(h.mac().toLowerCase(java.util.Locale.ROOT) + " . " + ip);
        }
        sets.add(new NftSet("guest_bound_4", "set", "type ipv4_addr", bound));
        sets.add(new NftSet("guest_mac_4", "set", "type ether_addr . ipv4_addr", macIp));
        counters.add("guest_spoof_drop");
        StringBuilder c = chain("guest_guard", "type filter hook prerouting priority -160; policy accept;");
        for (var g : config.guestNetworks()) {
            Interface i = ifs.get(g.interfaceName());
            Set<String> nets = new LinkedHashSet<>();
            for (String a : i.addresses()) {
                Cidr x = Net.cidr(a).orElseThrow();
                if (x.v4()) {
                    nets.add(x.network().toString());
                }
            }
            nets.add("0.0.0.0");
            c.append("    iifname ").append(quote(i.name())).append(" ip saddr != { ").append(String.join(", ", nets))
                    .append(" } counter name \"guest_spoof_drop\" drop\n");
            c.append("    iifname ").append(quote(i.name()))
                    .append(" ip saddr @guest_bound_4 ether saddr . ip saddr != @guest_mac_4 counter name \"guest_spoof_drop\" drop\n");
        }
        return end(c);
    }

    /** Runs a section, or replays the sets and counters it added and the text it returned last time with equal inputs. */
    @SuppressWarnings("unchecked")
    private <T> T memo(String section, List<Object> inputs, Supplier<T> body) {
        RenderCache.Entry e = cache.get(section);
        if (e != null && e.inputs().equals(inputs)) {
            sets.addAll(e.sets());
            counters.addAll(e.counters());
            return (T) e.result();
        }
        int s0 = sets.size();
        int c0 = counters.size();
        T result = body.get();
        cache.put(section, new RenderCache.Entry(inputs, List.copyOf(sets.subList(s0, sets.size())),
                List.copyOf(counters.subList(c0, counters.size())), result));
        return result;
    }

    // ---- public addresses and interfaces ----

    private void publicSide() {
        Map<Family, Set<String>> addrs = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            addrs.put(f, new LinkedHashSet<>());
        }
        Set<String> ifs = new LinkedHashSet<>();
        for (Interface i : config.interfaces()) {
            if ("public".equals(i.role())) {
                ifs.add(quote(i.name()));
                for (String a : i.addresses()) {
                    Cidr c = Net.cidr(a).orElseThrow();
                    addrs.get(Family.of(c.v4())).add(Net.text(c.address()));
                }
            }
        }
        config.firewall().forEach(r -> addPublic(addrs, r.publicIp()));
        config.portForwards().forEach(r -> addPublic(addrs, r.publicIp()));
        config.staticNats().forEach(r -> addPublic(addrs, r.publicIp()));
        for (Family f : Family.values()) {
            sets.add(new NftSet("public_" + f.suffix, "set", "type " + f.addrType, List.copyOf(addrs.get(f))));
        }
        sets.add(new NftSet("public_ifs", "set", "type ifname", List.copyOf(ifs)));
    }

    private static void addPublic(Map<Family, Set<String>> addrs, String ip) {
        InetAddress a = Net.ip(ip).orElseThrow();
        addrs.get(Family.of(Net.isV4(a))).add(Net.text(a));
    }

    // ---- ingress firewall ----

    private String preFilter() {
        StringBuilder c = chain("pre_filter", "type filter hook prerouting priority -150; policy accept;");
        c.append("    ct state established,related accept\n");
        // Neighbour discovery must reach a public IPv6 address, or the address stops working.
        c.append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept\n");
        c.append(memo("firewall", List.of(config.firewall()), this::firewallOpenings));
        c.append(memo("forwardOpenings", List.of(config.portForwards()), this::forwardOpenings));
        for (Family f : Family.values()) {
            c.append("    ").append(f.ip).append(" daddr @public_").append(f.suffix).append(" counter name \"fw_ingress_drop\" drop\n");
        }
        return end(c);
    }

    /** The firewall rules' openings: set lookups, one rule per set layer. */
    private String firewallOpenings() {
        Map<Family, List<SetElement>> l4 = byFamily();
        Map<Family, List<SetElement>> icmp = byFamily();
        Map<Family, List<SetElement>> all = byFamily();
        for (FirewallRule r : config.firewall()) {
            Exact dst = address(r.publicIp());
            Family f = Family.of(dst.text().indexOf(':') < 0);
            for (Prefix src : sources(r.sourceCidrs(), f)) {
                switch (r.protocol()) {
                    case "tcp", "udp" -> l4.get(f).add(SetElement.of(dst, new Exact(r.protocol()), ports(r.ports()), src));
                    case "icmp", "icmpv6" -> icmp.get(f).add(SetElement.of(dst, icmpType(r.icmpType()),
                            icmpCode(r.icmpCode()), src));
                    default -> all.get(f).add(SetElement.of(dst, src));
                }
            }
        }
        StringBuilder c = new StringBuilder();
        for (Family f : Family.values()) {
            String a = f.addrType;
            layered(c, "fw_l4_" + f.suffix, "type " + a + " . inet_proto . inet_service . " + a + "; flags interval",
                    l4.get(f), f.ip + " daddr . meta l4proto . th dport . " + f.ip + " saddr", "counter name \"fw_ingress_accept\" accept");
            layered(c, "fw_icmp_" + f.suffix, "type " + a + " . " + f.icmpType + " . " + f.icmpCode + " . " + a
                    + "; flags interval", icmp.get(f), f.ip + " daddr . " + f.icmp + " type . " + f.icmp + " code . " + f.ip
                    + " saddr", "counter name \"fw_ingress_accept\" accept");
            layered(c, "fw_all_" + f.suffix, "type " + a + " . " + a + "; flags interval", all.get(f),
                    f.ip + " daddr . " + f.ip + " saddr", "counter name \"fw_ingress_accept\" accept");
        }
        return c.toString();
    }

    /** CloudStack opens the firewall for a port forward (openfirewall): the same here, in a set of their own. */
    private String forwardOpenings() {
        List<SetElement> open = new ArrayList<>();
        for (PortForward pf : config.portForwards()) {
            if (pf.opensFirewall()) {
                Exact dst = address(pf.publicIp());
                for (Prefix src : sources(pf.sourceCidrs(), Family.V4)) {
                    open.add(SetElement.of(dst, new Exact(pf.protocol()), ports(pf.publicPorts()), src));
                }
            }
        }
        StringBuilder c = new StringBuilder();
        layered(c, "pf_open_4", "type ipv4_addr . inet_proto . inet_service . ipv4_addr; flags interval", open,
                "ip daddr . meta l4proto . th dport . ip saddr", "counter name \"fw_ingress_accept\" accept");
        return c.toString();
    }

    // ---- DNAT: port forwarding and static NAT ----

    private String preNat() {
        List<SetElement> xlat = new ArrayList<>();
        List<SetElement> keep = new ArrayList<>();
        for (PortForward pf : config.portForwards()) {
            PortRange pub = Net.ports(pf.publicPorts()).orElseThrow();
            PortRange priv = Net.ports(pf.privatePorts()).orElseThrow();
            String to = Net.text(Net.ip(pf.privateIp()).orElseThrow());
            SetElement key = SetElement.of(new Exact(Net.text(Net.ip(pf.publicIp()).orElseThrow())), new Exact(pf.protocol()),
                    new Range(pub.low(), pub.high()));
            if (pub.size() == 1) {
                xlat.add(key.mapsTo(to + " . " + priv.low()));
            } else {
                keep.add(key.mapsTo(to));
            }
        }
        List<SetElement> staticIn = new ArrayList<>();
        for (StaticNat s : config.staticNats()) {
            staticIn.add(SetElement.of(new Exact(Net.text(Net.ip(s.publicIp()).orElseThrow())))
                    .mapsTo(Net.text(Net.ip(s.privateIp()).orElseThrow())));
        }
        String key = "ip daddr . meta l4proto . th dport";
        mapWithKeys("pf_xlat_4", "ipv4_addr . inet_proto . inet_service", "ipv4_addr . inet_service", true, xlat);
        mapWithKeys("pf_keep_4", "ipv4_addr . inet_proto . inet_service", "ipv4_addr", true, keep);
        mapWithKeys("static_in_4", "ipv4_addr", "ipv4_addr", false, staticIn);
        StringBuilder c = chain("pre_nat", "type nat hook prerouting priority dstnat; policy accept;");
        c.append("    meta l4proto { tcp, udp } ").append(key).append(" @pf_xlat_4_keys counter name \"port_forward\" dnat ip to ")
                .append(key).append(" map @pf_xlat_4\n");
        // A range keeps its ports: only the address changes.
        c.append("    meta l4proto { tcp, udp } ").append(key).append(" @pf_keep_4_keys counter name \"port_forward\" dnat ip to ")
                .append(key).append(" map @pf_keep_4\n");
        c.append("    ip daddr @static_in_4_keys counter name \"static_nat_in\" dnat ip to ip daddr map @static_in_4\n");
        return end(c);
    }

    /**
     * A map plus a set of its keys ({@code NAME_keys}). Rules match on the set and translate through
     * the map: Linux 6.1 (Debian 12, the system VM's kernel) refuses a map used as a set in a lookup
     * ("Could not process rule: Invalid argument"); newer kernels accept it, so tests on a newer
     * build host would not notice. Found by booting the template (docs/agent.md).
     */
    private void mapWithKeys(String name, String keyType, String valueType, boolean interval, List<SetElement> elements) {
        String flags = interval ? "; flags interval" : "";
        sets.add(new NftSet(name, "map", "type " + keyType + " : " + valueType + flags,
                elements.stream().map(SetElement::text).toList()));
        sets.add(new NftSet(name + "_keys", "set", "type " + keyType + flags,
                elements.stream().map(e -> e.keyOnly().text()).toList()));
    }

    /**
     * DNAT of the router's own traffic (CloudStack's VR does it: a process on the router reaching
     * a port forward or static NAT by its public address gets the guest behind it), with the
     * same maps as the prerouting DNAT.
     */
    private String outNat() {
        String key = "ip daddr . meta l4proto . th dport";
        StringBuilder c = chain("out_nat", "type nat hook output priority -100; policy accept;");
        c.append("    meta l4proto { tcp, udp } ").append(key).append(" @pf_xlat_4_keys counter name \"port_forward\" dnat ip to ")
                .append(key).append(" map @pf_xlat_4\n");
        c.append("    meta l4proto { tcp, udp } ").append(key).append(" @pf_keep_4_keys counter name \"port_forward\" dnat ip to ")
                .append(key).append(" map @pf_keep_4\n");
        c.append("    ip daddr @static_in_4_keys counter name \"static_nat_in\" dnat ip to ip daddr map @static_in_4\n");
        return end(c);
    }

    /**
     * Traffic counters per public interface for CloudStack's network usage (netusage.sh: what the
     * management server bills): forwarded bytes out of it ({@code usage_<if>_out}, sent) and into
     * it ({@code usage_<if>_in}, received), counted before any filter, as CloudStack's
     * NETWORK_STATS chain does. The router's own traffic is not forwarded and not counted.
     */
    private String usage() {
        StringBuilder c = chain("usage", "type filter hook forward priority -10; policy accept;");
        for (Interface i : config.interfaces()) {
            if ("public".equals(i.role())) {
                String n = usageCounter(i.name());
                counters.add(n + "_out");
                counters.add(n + "_in");
                c.append("    oifname ").append(quote(i.name())).append(" counter name \"").append(n).append("_out\"\n");
                c.append("    iifname ").append(quote(i.name())).append(" counter name \"").append(n).append("_in\"\n");
            }
        }
        return end(c);
    }

    /** The counter name prefix of a public interface's usage counters (interface names may hold '.' and '-'). */
    public static String usageCounter(String ifname) {
        return "usage_" + ifname.replaceAll("[^A-Za-z0-9_]", "_");
    }

    // ---- SNAT ----

    private String postNat() {
        List<SetElement> out = new ArrayList<>();
        for (StaticNat s : config.staticNats()) {
            out.add(SetElement.of(new Exact(Net.text(Net.ip(s.privateIp()).orElseThrow())))
                    .mapsTo(Net.text(Net.ip(s.publicIp()).orElseThrow())));
        }
        mapWithKeys("static_out_4", "ipv4_addr", "ipv4_addr", false, out);
        counters.add("hairpin_nat");
        StringBuilder c = chain("post_nat", "type nat hook postrouting priority srcnat; policy accept;");
        c.append("    oifname @public_ifs ip saddr @static_out_4_keys counter name \"static_nat_out\" snat ip to ip saddr map @static_out_4\n");
        for (SourceNat s : config.sourceNats()) {
            c.append("    oifname ").append(quote(s.outInterface())).append(" ip saddr ")
                    .append(Net.cidr(s.network()).orElseThrow().network()).append(" counter name \"source_nat\" snat ip to ")
                    .append(Net.text(Net.ip(s.toAddress()).orElseThrow())).append('\n');
        }
        // Hairpin NAT (CloudStack's VR does it): a guest reaching another guest of its own network
        // through a port forward's or static NAT's public address is masqueraded to the router's
        // guest address, so that the answer comes back through the router and is translated back.
        for (Interface i : config.interfaces()) {
            if ("guest".equals(i.role())) {
                for (String a : i.addresses()) {
                    Cidr net = Net.cidr(a).orElseThrow();
                    if (net.v4()) {
                        c.append("    oifname ").append(quote(i.name())).append(" ip saddr ").append(net.network())
                                .append(" ct status dnat counter name \"hairpin_nat\" masquerade\n");
                    }
                }
            }
        }
        return end(c);
    }

    // ---- forward: ACL dispatch, egress, public side ----

    private String forward() {
        StringBuilder c = chain("forward", "type filter hook forward priority filter; policy accept;");
        c.append("    ct state established,related accept\n");
        c.append("    ct state invalid drop\n");
        if (!config.acls().isEmpty()) {
            List<String> in = new ArrayList<>();
            List<String> out = new ArrayList<>();
            for (AclTier t : config.acls()) {
                in.add(quote(t.device()) + " : jump acl_" + t.tier() + "_in");
                out.add(quote(t.device()) + " : jump acl_" + t.tier() + "_out");
            }
            c.append("    oifname vmap { ").append(String.join(", ", in)).append(" }\n");
            c.append("    iifname vmap { ").append(String.join(", ", out)).append(" }\n");
        }
        c.append("    oifname @public_ifs jump egress\n");
        // From the public side only connections that a port forward or static NAT let in.
        c.append("    iifname @public_ifs ct status dnat accept\n");
        c.append("    iifname @public_ifs counter name \"public_forward_drop\" drop\n");
        return end(c);
    }

    private String egress() {
        Map<Family, List<SetElement>> l4Drop = byFamily();
        Map<Family, List<SetElement>> l4Accept = byFamily();
        Map<Family, List<SetElement>> icmpDrop = byFamily();
        Map<Family, List<SetElement>> icmpAccept = byFamily();
        Map<Family, List<SetElement>> allDrop = byFamily();
        Map<Family, List<SetElement>> allAccept = byFamily();
        Map<Family, List<String>> denyNets = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            denyNets.put(f, new ArrayList<>());
        }
        for (EgressPolicy p : config.egress()) {
            Cidr net = Net.cidr(p.network()).orElseThrow().network();
            Family f = Family.of(net.v4());
            boolean deny = "deny".equals(p.defaultPolicy());
            if (deny) {
                denyNets.get(f).add(net.toString());
            }
            Prefix src = new Prefix(net);
            for (EgressRule r : p.rules()) {
                for (Prefix dst : sources(r.destinationCidrs(), f)) {
                    switch (r.protocol()) {
                        case "tcp", "udp" -> (deny ? l4Accept : l4Drop).get(f).add(SetElement.of(src, dst,
                                new Exact(r.protocol()), ports(r.ports())));
                        case "icmp", "icmpv6" -> (deny ? icmpAccept : icmpDrop).get(f).add(SetElement.of(src, dst,
                                icmpType(r.icmpType()), icmpCode(r.icmpCode())));
                        default -> (deny ? allAccept : allDrop).get(f).add(SetElement.of(src, dst));
                    }
                }
            }
        }
        StringBuilder c = new StringBuilder("  chain egress {\n");
        for (Family f : Family.values()) {
            String a = f.addrType;
            String l4Decl = "type " + a + " . " + a + " . inet_proto . inet_service; flags interval";
            String l4Key = f.ip + " saddr . " + f.ip + " daddr . meta l4proto . th dport";
            String icmpDecl = "type " + a + " . " + a + " . " + f.icmpType + " . " + f.icmpCode + "; flags interval";
            String icmpKey = f.ip + " saddr . " + f.ip + " daddr . " + f.icmp + " type . " + f.icmp + " code";
            String allDecl = "type " + a + " . " + a + "; flags interval";
            String allKey = f.ip + " saddr . " + f.ip + " daddr";
            String drop = "counter name \"egress_drop\" drop";
            String accept = "counter name \"egress_accept\" accept";
            layered(c, "eg_l4_drop_" + f.suffix, l4Decl, l4Drop.get(f), l4Key, drop);
            layered(c, "eg_icmp_drop_" + f.suffix, icmpDecl, icmpDrop.get(f), icmpKey, drop);
            layered(c, "eg_all_drop_" + f.suffix, allDecl, allDrop.get(f), allKey, drop);
            layered(c, "eg_l4_accept_" + f.suffix, l4Decl, l4Accept.get(f), l4Key, accept);
            layered(c, "eg_icmp_accept_" + f.suffix, icmpDecl, icmpAccept.get(f), icmpKey, accept);
            layered(c, "eg_all_accept_" + f.suffix, allDecl, allAccept.get(f), allKey, accept);
            sets.add(new NftSet("eg_deny_nets_" + f.suffix, "set", "type " + a + "; flags interval",
                    CidrSets.minimal(denyNets.get(f))));
            c.append("    ").append(f.ip).append(" saddr @eg_deny_nets_").append(f.suffix).append(' ').append(drop).append('\n');
        }
        c.append("    counter name \"egress_accept\"\n");
        return end(c);
    }

    // ---- VPC network ACLs ----

    private List<String> acls() {
        List<String> out = new ArrayList<>();
        for (AclTier t : config.acls()) {
            counters.add("acl_" + t.tier() + "_in_allow");
            counters.add("acl_" + t.tier() + "_in_deny");
            counters.add("acl_" + t.tier() + "_out_allow");
            counters.add("acl_" + t.tier() + "_out_deny");
            out.add(aclChain(t, "ingress", "in", t.defaultIngress()));
            out.add(aclChain(t, "egress", "out", t.defaultEgress()));
        }
        return out;
    }

    private String aclChain(AclTier t, String direction, String dir, String defaultAction) {
        String name = "acl_" + t.tier() + "_" + dir;
        StringBuilder c = new StringBuilder("  chain ").append(name).append(" {\n");
        String addr = dir.equals("in") ? "saddr" : "daddr";
        List<AclRule> rules = t.rules().stream().filter(r -> direction.equals(r.direction()))
                .sorted(Comparator.comparingInt(AclRule::number)).toList();
        for (AclRule r : rules) {
            // "allow" returns to the forward chain, so egress policies and the public-side check still apply.
            String verdict = "allow".equals(r.action()) ? "counter name \"" + name + "_allow\" return"
                    : "counter name \"" + name + "_deny\" drop";
            String match = protocolMatch(r.protocol(), r.ports(), r.icmpType(), r.icmpCode());
            if (r.cidrs().isEmpty()) {
                c.append("    ").append(match).append(verdict).append('\n');
                continue;
            }
            for (Family f : Family.values()) {
                List<String> cidrs = r.cidrs().stream().filter(s -> Net.cidr(s).orElseThrow().v4() == (f == Family.V4)).toList();
                if (cidrs.isEmpty()) {
                    continue;
                }
                String set = name + "_" + r.number() + "_" + f.suffix;
                sets.add(new NftSet(set, "set", "type " + f.addrType + "; flags interval", CidrSets.minimal(cidrs)));
                c.append("    ").append(f.ip).append(' ').append(addr).append(" @").append(set).append(' ').append(match)
                        .append(verdict).append('\n');
            }
        }
        boolean allow = "allow".equals(defaultAction);
        c.append("    counter name \"").append(name).append(allow ? "_allow\" return\n" : "_deny\" drop\n");
        return end(c);
    }

    private static String protocolMatch(String protocol, String ports, Integer icmpType, Integer icmpCode) {
        switch (protocol) {
            case "tcp", "udp" -> {
                return ports == null ? "meta l4proto " + protocol + " " : protocol + " dport " + Net.ports(ports).orElseThrow() + " ";
            }
            case "icmp", "icmpv6" -> {
                String l4 = protocol.equals("icmp") ? "icmp" : "ipv6-icmp";
                StringBuilder b = new StringBuilder("meta l4proto ").append(l4).append(' ');
                if (icmpType != null) {
                    b.append(protocol).append(" type ").append(icmpType).append(' ');
                }
                if (icmpCode != null) {
                    b.append(protocol).append(" code ").append(icmpCode).append(' ');
                }
                return b.toString();
            }
            default -> {
                return "";
            }
        }
    }

    // ---- helpers ----

    /** Adds the layers of a set and one lookup rule per layer to chain {@code c}. */
    private void layered(StringBuilder c, String name, String declaration, List<SetElement> elements, String key,
                         String statement) {
        for (NftSet s : LayeredSet.layers(name, "set", declaration, elements)) {
            sets.add(s);
            c.append("    ").append(key).append(" @").append(s.name()).append(' ').append(statement).append('\n');
        }
    }

    private List<Prefix> sources(List<String> cidrs, Family f) {
        if (cidrs.isEmpty()) {
            return List.of(prefix(f.any));
        }
        List<Prefix> out = new ArrayList<>(cidrs.size());
        for (String c : cidrs) {
            out.add(prefix(c));
        }
        return out;
    }

    /** Parsed once per render: thousands of rules share a handful of source prefixes. */
    private Prefix prefix(String cidr) {
        return prefixes.computeIfAbsent(cidr, Prefix::of);
    }

    /** An address literal in nft's (normalised) form, parsed once per render. */
    private Exact address(String ip) {
        return addresses.computeIfAbsent(ip, a -> new Exact(Net.text(Net.ip(a).orElseThrow())));
    }

    private static Range ports(String ports) {
        if (ports == null) {
            return new Range(0, 65535);
        }
        PortRange r = Net.ports(ports).orElseThrow();
        return new Range(r.low(), r.high());
    }

    private static Range icmpType(Integer t) {
        return t == null ? new Range(0, 255) : new Range(t, t);
    }

    private static Range icmpCode(Integer c) {
        return c == null ? new Range(0, 255) : new Range(c, c);
    }

    private static Map<Family, List<SetElement>> byFamily() {
        Map<Family, List<SetElement>> m = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            m.put(f, new ArrayList<>());
        }
        return m;
    }

    private static StringBuilder chain(String name, String hook) {
        return new StringBuilder("  chain ").append(name).append(" {\n    ").append(hook).append('\n');
    }

    private static String end(StringBuilder c) {
        return c.append("  }\n").toString();
    }

    /** Interface names are validated ([a-zA-Z][a-zA-Z0-9_.-]*): quoting can never be broken out of. */
    private static String quote(String name) {
        return "\"" + name + "\"";
    }
}
