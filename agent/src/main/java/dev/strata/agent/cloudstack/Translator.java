package dev.strata.agent.cloudstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merged CloudStack bags to the agent's {@code /v1} configuration document, as a JSON tree
 * (the same document {@code PUT /v1/config} takes), so that this package depends on the
 * agent's API, not on its Java model. Every item made remembers which bag entry it came from
 * ({@link Result#origins()}), so that the agent's validation errors can name the CloudStack
 * field. Bags whose service the agent does not run yet are reported, not dropped.
 */
public final class Translator {

    /** Parts of the /v1 document this translation owns (any other part is left as it is). */
    public static final List<String> PARTS = List.of("interfaces", "routes", "policyRules", "firewall", "egress",
            "portForwards", "staticNats", "sourceNats", "acls", "staticRoutes", "inputRules");

    /** Bag keys that are stored but not applied, and why. */
    static final Map<String, String> NOT_APPLIED = Map.ofEntries(
            Map.entry("dhcpentry", "not applied yet (DHCP/DNS: issue 12)"),
            Map.entry("dhcpconfig", "not applied (CloudStack ignores it too)"),
            Map.entry("vmpassword", "not applied yet (password server: issue 12)"),
            Map.entry("vmdata", "not applied yet (metadata: issue 12)"),
            Map.entry("ipv6firewallrules", "not applied yet (routed IPv6 filter: later issue)"),
            Map.entry("loadbalancer", "not applied yet (load balancer: later issue)"),
            Map.entry("monitorservice", "not applied yet (monitoring: later issue)"),
            Map.entry("site2sitevpn", "not applied yet (VPN: later issue)"),
            Map.entry("remoteaccessvpn", "not applied yet (VPN: later issue)"),
            Map.entry("vpnuserlist", "not applied yet (VPN: later issue)"),
            Map.entry("bgppeers", "not applied yet (BGP: later issue)"));

    /** The document, where each part's items came from, and what was not applied. */
    public record Result(ObjectNode config, Map<String, List<String>> origins, Map<String, String> notApplied) {
        /** The CloudStack place an agent path such as {@code firewall[3].ports} came from, if known. */
        public String originOf(String agentPath) {
            int b = agentPath.indexOf('[');
            int e = agentPath.indexOf(']');
            if (b < 0 || e < b) {
                return null;
            }
            List<String> o = origins.get(agentPath.substring(0, b));
            try {
                int i = Integer.parseInt(agentPath.substring(b + 1, e));
                return o != null && i < o.size() ? o.get(i) : null;
            } catch (NumberFormatException ex) {
                return null;
            }
        }
    }

    private final ObjectNode config = JsonNodeFactory.instance.objectNode();
    private final Map<String, List<String>> origins = new LinkedHashMap<>();

    private Translator() {
    }

    public static Result translate(Bags bags) {
        return new Translator().run(bags);
    }

    private Result run(Bags bags) {
        ObjectNode cmd = bags.bag("cmdline").path("config") instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        String type = cmd.path("type").asText("");
        boolean vpc = type.equals("vpcrouter");
        boolean redundant = cmd.path("redundant_router").asText("false").equals("true");
        ObjectNode ips = bags.has("ips") ? bags.bag("ips") : JsonNodeFactory.instance.objectNode();

        // The source-NAT address: the public entry flagged source_nat, else the first public one.
        String sourceNatIp = null;
        String sourceNatDev = null;
        String sourceNatGw = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = ips.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> dev = it.next();
            for (JsonNode e : dev.getValue()) {
                if (e.path("nw_type").asText().equals("public")
                        && (sourceNatIp == null || e.path("source_nat").asBoolean(false) && !sourceNatFlag(ips, sourceNatIp))) {
                    sourceNatIp = e.path("public_ip").asText();
                    sourceNatDev = dev.getKey();
                    sourceNatGw = e.path("gateway").asText("");
                }
            }
        }
        // interfaces: one per device of the ips bag; addresses are its entries' public_ip/netmask
        List<String> guestNetworks = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ips.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> dev = it.next();
            if (!(dev.getValue() instanceof ArrayNode list) || list.isEmpty()) {
                continue;
            }
            String name = dev.getKey();
            ObjectNode itf = JsonNodeFactory.instance.objectNode();
            itf.put("name", name);
            String role = "other";
            String mtu = null;
            ArrayNode addrs = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < list.size(); i++) {
                JsonNode e = list.get(i);
                String where = "ips." + name + "[" + i + "]";
                String nw = e.path("nw_type").asText("public");
                role = switch (nw) {
                    case "public", "guest", "control" -> nw;
                    default -> role;
                };
                int prefix = prefixOf(where, e.path("netmask").asText(""));
                String ip = e.path("public_ip").asText();
                addrs.add(ip + "/" + prefix);
                if (e.hasNonNull("mtu") && !e.path("mtu").asText().isBlank()) {
                    mtu = e.path("mtu").asText();
                }
                if (nw.equals("guest") && !e.path("alias").asBoolean(false)) {
                    String net = Ipv4.network(ip, prefix);
                    if (!guestNetworks.contains(net)) {
                        guestNetworks.add(net);
                    }
                }
            }
            itf.put("role", role);
            if (role.equals("control")) {
                // The input chain denies by default on every interface the configuration names
                // (issue 12): the control NIC keeps CloudStack's ssh on 3922 and ICMP open.
                ObjectNode ssh = JsonNodeFactory.instance.objectNode();
                ssh.put("interface", name);
                ssh.put("protocol", "tcp");
                ssh.put("ports", "3922");
                add("inputRules", ssh, "ips." + name + " (control NIC: ssh)");
                ObjectNode icmp = JsonNodeFactory.instance.objectNode();
                icmp.put("interface", name);
                icmp.put("protocol", "icmp");
                add("inputRules", icmp, "ips." + name + " (control NIC: ICMP)");
            }
            if (mtu != null) {
                try {
                    itf.put("mtu", Integer.parseInt(mtu.strip()));
                } catch (NumberFormatException ex) {
                    throw new BagException("ips." + name + ": mtu: \"" + VrCfg.shorten(mtu) + "\" is not a number");
                }
            }
            ipv6(cmd, name, addrs);
            itf.set("addresses", addrs);
            add("interfaces", itf, "ips." + name);
        }

        // routes: the default route via the public gateway (none for a redundant router: keepalived's
        // primary adds it), else the boot configuration's gateway; management networks via localgw.
        String gw = sourceNatGw != null && !sourceNatGw.isBlank() ? sourceNatGw : cmd.path("gateway").asText("");
        if (!redundant && !gw.isBlank() && !gw.equals("null")) {
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("destination", "0.0.0.0/0");
            r.put("gateway", gw);
            if (sourceNatDev != null) {
                r.put("device", sourceNatDev);
            }
            add("routes", r, sourceNatGw != null && !sourceNatGw.isBlank() ? "ips (source NAT gateway)" : "cmdline.gateway");
        }
        String localgw = cmd.path("localgw").asText("");
        for (String net : Bags.cidrSet(cmd.path("mgmtcidr").asText(""))) {
            if (!localgw.isBlank()) {
                ObjectNode r = JsonNodeFactory.instance.objectNode();
                r.put("destination", net);
                r.put("gateway", localgw);
                add("routes", r, "cmdline.mgmtcidr");
            }
        }

        // source NAT: every guest network out through the source-NAT address
        if (sourceNatIp != null && !type.equals("dhcpsrvr")) {
            for (String net : guestNetworks) {
                ObjectNode s = JsonNodeFactory.instance.objectNode();
                s.put("network", net);
                s.put("outInterface", sourceNatDev);
                s.put("toAddress", sourceNatIp);
                add("sourceNats", s, "ips (source_nat " + sourceNatIp + ")");
            }
        }

        firewall(bags);
        forwarding(bags, vpc);
        acls(bags);
        staticRoutes(bags);

        Map<String, String> notApplied = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : NOT_APPLIED.entrySet()) {
            if (bags.has(e.getKey()) && bags.bag(e.getKey()).size() > 1) {
                notApplied.put(e.getKey(), e.getValue());
            }
        }
        for (String p : PARTS) {
            if (!config.has(p)) {
                config.putArray(p);
            }
        }
        return new Result(config, origins, new java.util.TreeMap<>(notApplied));
    }

    private static boolean sourceNatFlag(ObjectNode ips, String ip) {
        for (JsonNode list : ips) {
            for (JsonNode e : list) {
                if (e.path("public_ip").asText().equals(ip)) {
                    return e.path("source_nat").asBoolean(false);
                }
            }
        }
        return false;
    }

    private static void ipv6(ObjectNode cmd, String dev, ArrayNode addrs) {
        String ip6 = cmd.path(dev + "ip6").asText("");
        String len = cmd.path(dev + "ip6prelen").asText("");
        if (!ip6.isBlank() && !len.isBlank()) {
            addrs.add(ip6 + "/" + len);
        }
    }

    private void firewall(Bags bags) {
        if (!bags.has("firewallrules")) {
            return;
        }
        Map<String, ObjectNode> egress = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = bags.bag("firewallrules").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id")) {
                continue;
            }
            JsonNode r = e.getValue();
            String where = "firewallrules[\"" + e.getKey() + "\"]";
            String proto = r.path("protocol").asText("all").toLowerCase(Locale.ROOT);
            boolean isEgress = r.path("traffic_type").asText("Ingress").equalsIgnoreCase("egress");
            ObjectNode rule = JsonNodeFactory.instance.objectNode();
            if (!isEgress) {
                rule.put("publicIp", r.path("src_ip").asText(""));
            }
            rule.put("protocol", proto);
            ports(where, r.get("src_port_range"), proto, rule, "ports");
            icmp(r, proto, rule);
            if (isEgress) {
                String guest = r.path("guest_cidr").asText("");
                if (guest.isBlank()) {
                    throw new BagException(where + ".guest_cidr: missing on an egress rule");
                }
                ObjectNode pol = egress.computeIfAbsent(guest, g -> {
                    ObjectNode p = JsonNodeFactory.instance.objectNode();
                    p.put("network", g);
                    p.put("defaultPolicy", r.path("default_egress_policy").asBoolean(false) ? "allow" : "deny");
                    p.putArray("rules");
                    return p;
                });
                ArrayNode dst = cidrs(r.path("dest_cidr_list"));
                if (!dst.isEmpty()) {
                    rule.set("destinationCidrs", dst);
                }
                ((ArrayNode) pol.get("rules")).add(rule);
            } else {
                ArrayNode src = cidrs(r.path("source_cidr_list"));
                if (!src.isEmpty()) {
                    rule.set("sourceCidrs", src);
                }
                add("firewall", rule, where);
            }
        }
        egress.forEach((net, pol) -> add("egress", pol, "firewallrules (egress of " + net + ")"));
    }

    private void forwarding(Bags bags, boolean vpc) {
        if (!bags.has("forwardingrules")) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = bags.bag("forwardingrules").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id")) {
                continue;
            }
            JsonNode list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                JsonNode r = list.get(i);
                String where = "forwardingrules[\"" + e.getKey() + "\"][" + i + "]";
                if (r.path("type").asText().equals("staticnat")) {
                    ObjectNode s = JsonNodeFactory.instance.objectNode();
                    s.put("publicIp", r.path("public_ip").asText());
                    s.put("privateIp", r.path("internal_ip").asText());
                    add("staticNats", s, where);
                    if (vpc) {
                        // A VPC has no public firewall: the tier's ACL filters, the public side is open.
                        ObjectNode f = JsonNodeFactory.instance.objectNode();
                        f.put("publicIp", r.path("public_ip").asText());
                        f.put("protocol", "all");
                        add("firewall", f, where);
                    }
                    continue;
                }
                ObjectNode f = JsonNodeFactory.instance.objectNode();
                f.put("publicIp", r.path("public_ip").asText());
                f.put("protocol", r.path("protocol").asText());
                f.put("publicPorts", portRange(where + ".public_ports", r.path("public_ports").asText()));
                f.put("privateIp", r.path("internal_ip").asText());
                f.put("privatePorts", portRange(where + ".internal_ports", r.path("internal_ports").asText()));
                ArrayNode src = cidrs(r.path("source_cidr_list"));
                if (!src.isEmpty()) {
                    f.set("sourceCidrs", src);
                }
                // In an isolated network the opening is a firewall rule of its own (the firewall
                // bag); in a VPC the forward itself opens the public side.
                f.put("openFirewall", vpc);
                add("portForwards", f, where);
            }
        }
    }

    private void acls(Bags bags) {
        if (!bags.has("networkacl")) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = bags.bag("networkacl").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id")) {
                continue;
            }
            JsonNode acl = e.getValue();
            String dev = e.getKey();
            String where = "networkacl[\"" + dev + "\"]";
            ObjectNode tier = JsonNodeFactory.instance.objectNode();
            tier.put("tier", "t_" + dev.replaceAll("[^A-Za-z0-9_]", "_"));
            tier.put("device", dev);
            ArrayNode rules = tier.putArray("rules");
            int number = 0;
            for (String dir : List.of("ingress", "egress")) {
                JsonNode list = acl.path(dir + "_rules");
                for (int i = 0; i < list.size(); i++) {
                    JsonNode r = list.get(i);
                    String rw = where + "." + dir + "_rules[" + i + "]";
                    ObjectNode rule = JsonNodeFactory.instance.objectNode();
                    rule.put("number", ++number);
                    rule.put("direction", dir);
                    rule.put("action", r.path("allowed").asBoolean(false) ? "allow" : "deny");
                    String t = r.path("type").asText("all").toLowerCase(Locale.ROOT);
                    switch (t) {
                        case "tcp", "udp" -> {
                            rule.put("protocol", t);
                            int a = r.path("first_port").asInt(-1);
                            int b = r.path("last_port").asInt(a);
                            if (a < 0) {
                                throw new BagException(rw + ".first_port: missing for " + t);
                            }
                            rule.put("ports", a == b ? String.valueOf(a) : a + "-" + b);
                        }
                        case "icmp" -> {
                            rule.put("protocol", "icmp");
                            icmp(r, "icmp", rule);
                        }
                        case "all" -> rule.put("protocol", "all");
                        case "protocol" -> {
                            int n = r.path("protocol").asInt(-1);
                            String name = switch (n) {
                                case 6 -> "tcp";
                                case 17 -> "udp";
                                case 1 -> "icmp";
                                default -> null;
                            };
                            if (name == null) {
                                throw new BagException(rw + ".protocol: protocol number " + r.path("protocol").asText()
                                        + " is not supported by the agent yet (tcp 6, udp 17, icmp 1)");
                            }
                            rule.put("protocol", name);
                        }
                        default -> throw new BagException(rw + ".type: \"" + VrCfg.shorten(t) + "\" (expected tcp, udp, icmp, all, protocol)");
                    }
                    ArrayNode c = cidrs(r.path("cidr"));
                    if (!c.isEmpty()) {
                        rule.set("cidrs", c);
                    }
                    rules.add(rule);
                }
            }
            add("acls", tier, where);
        }
    }

    private void staticRoutes(Bags bags) {
        if (!bags.has("staticroutes")) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = bags.bag("staticroutes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id")) {
                continue;
            }
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            s.put("network", e.getKey());
            s.put("gateway", e.getValue().path("gateway").asText());
            add("staticRoutes", s, "staticroutes[\"" + e.getKey() + "\"]");
        }
    }

    // ---- helpers ----

    private void add(String part, ObjectNode item, String origin) {
        (config.get(part) instanceof ArrayNode a ? a : config.putArray(part)).add(item);
        origins.computeIfAbsent(part, k -> new ArrayList<>()).add(origin);
    }

    /** CloudStack's {@code [start, end]} port list to the agent's "a" or "a-b" (nothing for other protocols). */
    private static void ports(String where, JsonNode range, String proto, ObjectNode rule, String field) {
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            return;
        }
        if (range == null || !range.isArray() || range.isEmpty()) {
            return; // all ports
        }
        int a = range.get(0).asInt(-1);
        int b = range.size() > 1 ? range.get(1).asInt(-1) : a;
        if (a < 0 || b < 0) {
            throw new BagException(where + ".src_port_range: " + range + " is not a port range");
        }
        rule.put(field, a == b ? String.valueOf(a) : a + "-" + b);
    }

    /** "a:b" (CloudStack) to "a" or "a-b" (agent). */
    static String portRange(String where, String s) {
        String[] ab = s.split(":", -1);
        if (ab.length > 2 || ab[0].isBlank()) {
            throw new BagException(where + ": \"" + VrCfg.shorten(s) + "\" is not a port range a:b");
        }
        String a = ab[0].strip();
        String b = ab.length == 2 ? ab[1].strip() : a;
        return a.equals(b) ? a : a + "-" + b;
    }

    private static void icmp(JsonNode r, String proto, ObjectNode rule) {
        if (!proto.startsWith("icmp")) {
            return;
        }
        // -1 is CloudStack's "any"
        int t = r.path("icmp_type").asInt(-1);
        int c = r.path("icmp_code").asInt(-1);
        if (t >= 0) {
            rule.put("icmpType", t);
            if (c >= 0) {
                rule.put("icmpCode", c);
            }
        }
    }

    /** A CIDR list as CloudStack sends it: a JSON list, or one comma-separated string. */
    private static ArrayNode cidrs(JsonNode n) {
        Set<String> out = new LinkedHashSet<>();
        if (n.isArray()) {
            n.forEach(c -> out.addAll(Bags.cidrSet(c.asText())));
        } else if (n.isTextual()) {
            out.addAll(Bags.cidrSet(n.asText()));
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        out.forEach(a::add);
        return a;
    }

    private static int prefixOf(String where, String mask) {
        if (mask.matches("\\d{1,2}")) {
            int p = Integer.parseInt(mask);
            if (p <= 32) {
                return p;
            }
        }
        Integer p = Ipv4.maskToPrefix(mask);
        if (p == null) {
            throw new BagException(where + ".netmask: \"" + VrCfg.shorten(mask) + "\" is not a netmask");
        }
        return p;
    }
}
