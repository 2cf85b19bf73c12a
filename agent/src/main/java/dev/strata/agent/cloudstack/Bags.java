package dev.strata.agent.cloudstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CloudStack's databags, merged with CloudStack's rules for each type (merge.py and cs_*.py):
 * the state a stock router keeps as {@code /etc/cloudstack/<key>.json}. One {@link ObjectNode}
 * per bag key, each with {@code "id": "<key>"}. Where CloudStack's rule only works by accident
 * it is done as meant, and said so at the rule (dhcpentry's {@code remove}, vpnuserlist's and
 * staticroutes' deletions, ips' {@code add:false}).
 *
 * <p>Not thread-safe: {@link CloudStackApi} merges one file at a time, on a copy.
 */
public final class Bags {

    /** Every bag type of CloudStack's model (ConfigBase), and the bag key it merges into. */
    static final Map<String, String> KEY_OF_TYPE = Map.ofEntries(
            Map.entry("cmdline", "cmdline"), Map.entry("ips", "ips"), Map.entry("ipaliases", "ips"),
            Map.entry("guestnetwork", "guestnetwork"), Map.entry("networkacl", "networkacl"),
            Map.entry("vmdata", "vmdata"), Map.entry("vmpassword", "vmpassword"),
            Map.entry("forwardrules", "forwardingrules"), Map.entry("staticnatrules", "forwardingrules"),
            Map.entry("firewallrules", "firewallrules"), Map.entry("ipv6firewallrules", "ipv6firewallrules"),
            Map.entry("vpnuserlist", "vpnuserlist"), Map.entry("site2sitevpn", "site2sitevpn"),
            Map.entry("staticroutes", "staticroutes"), Map.entry("remoteaccessvpn", "remoteaccessvpn"),
            Map.entry("monitorservice", "monitorservice"), Map.entry("dhcpconfig", "dhcpconfig"),
            Map.entry("loadbalancer", "loadbalancer"), Map.entry("bgppeers", "bgppeers"),
            Map.entry("dhcpentry", "dhcpentry"));

    private final ObjectNode all;
    private final Nics nics;

    public Bags(ObjectNode all, Nics nics) {
        this.all = all;
        this.nics = nics;
    }

    public static Bags empty(Nics nics) {
        return new Bags(JsonNodeFactory.instance.objectNode(), nics);
    }

    public Bags copy() {
        return new Bags(all.deepCopy(), nics);
    }

    /** Every bag, keyed by bag key (the journal's document). */
    public ObjectNode all() {
        return all;
    }

    public ObjectNode bag(String key) {
        JsonNode b = all.get(key);
        if (b instanceof ObjectNode o) {
            return o;
        }
        ObjectNode o = all.putObject(key);
        o.put("id", key);
        return o;
    }

    public boolean has(String key) {
        return all.has(key);
    }

    /** The router type from the boot configuration: router, vpcrouter, dhcpsrvr (or "" before it came). */
    public String routerType() {
        return all.path("cmdline").path("config").path("type").asText("");
    }

    /** Merges one CloudStack file ({@code name} for messages); returns its bag key. */
    public String merge(String name, JsonNode doc) {
        if (!(doc instanceof ObjectNode in)) {
            throw new BagException(name + ": expected a JSON object");
        }
        String type = in.path("type").asText("");
        String key = KEY_OF_TYPE.get(type);
        if (key == null) {
            throw new BagException(name + ": type: \"" + VrCfg.shorten(type) + "\" is not a CloudStack databag type (one of "
                    + String.join(", ", new java.util.TreeSet<>(KEY_OF_TYPE.keySet())) + ")");
        }
        Path p = new Path(name);
        switch (type) {
            case "cmdline" -> cmdline(p, in);
            case "ips" -> ips(p, in);
            case "ipaliases" -> ipAliases(p, in);
            case "guestnetwork" -> guestNetwork(p, in);
            case "vmpassword" -> {
                // cs_vmp.py: the bag is replaced, so it only ever holds the last password.
                ObjectNode b = replace(key);
                b.put(text(p, in, "ip_address"), text(p, in, "password"));
            }
            case "networkacl" -> bag(key).set(text(p, in, "device"), strip(in));
            case "firewallrules", "ipv6firewallrules" -> firewall(p, in, key);
            case "loadbalancer" -> bag(key).set("config", array(p, in, "rules"));
            case "monitorservice" -> {
                ObjectNode b = bag(key);
                for (String f : List.of("config", "health_checks_enabled", "health_checks_basic_run_interval",
                        "health_checks_advanced_run_interval", "excluded_health_checks", "health_checks_config")) {
                    if (in.has(f)) {
                        b.set(f, in.get(f));
                    }
                }
            }
            case "vmdata" -> bag(key).set(text(p, in, "vm_ip_address"), array(p, in, "vm_metadata"));
            case "dhcpentry" -> dhcpEntry(p, in);
            case "forwardrules", "staticnatrules" -> forwarding(p, in, type);
            case "site2sitevpn" -> keyedCreate(p, in, key, "peer_gateway_ip");
            case "remoteaccessvpn" -> keyedCreate(p, in, key, "vpn_server_ip");
            case "vpnuserlist" -> vpnUsers(p, in);
            case "staticroutes" -> staticRoutes(p, in);
            case "bgppeers" -> {
                ObjectNode b = replace(key);
                ArrayNode peers = array(p, in, "peers");
                for (int i = 0; i < peers.size(); i++) {
                    JsonNode peer = peers.get(i);
                    b.set(peer.path("peer_id").asText() + "-" + peer.path("network_id").asText(), peer);
                }
            }
            case "dhcpconfig" -> {
                // merge.py ignores it ("I don't think I need it anymore"); kept whole for the record.
                ObjectNode b = replace(key);
                if (in.has("entries")) {
                    b.set("entries", in.get("entries"));
                }
            }
            default -> throw new IllegalStateException(type);
        }
        return key;
    }

    // ---- cmdline (cs_cmdline.py + processCL) ----

    private void cmdline(Path p, ObjectNode in) {
        JsonNode c = in.get("cmd_line");
        if (!(c instanceof ObjectNode cl)) {
            throw new BagException(p.at("cmd_line") + ": expected an object of boot parameters");
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = cl.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        String rr = config.path("redundant_router").asText("");
        config.put("redundant_router", rr.equals("1") || rr.equalsIgnoreCase("true") ? "true" : "false");
        replace("cmdline").set("config", config);
        String type = config.path("type").asText("");
        // processCL: the boot NICs become ips entries, by type.
        switch (type) {
            case "router" -> {
                bootNic(config, 0, "guest");
                bootNic(config, 1, "control");
                bootNic(config, 2, "public");
            }
            case "vpcrouter" -> bootNic(config, 0, "control");
            case "dhcpsrvr", "ilbvm" -> {
                bootNic(config, 0, "guest");
                bootNic(config, 1, "control");
            }
            default -> throw new BagException(p.at("cmd_line.type") + ": \"" + VrCfg.shorten(type)
                    + "\" is not a router type (router, vpcrouter, dhcpsrvr): this agent runs only on routers");
        }
    }

    private void bootNic(ObjectNode config, int n, String nwType) {
        String ip = config.path("eth" + n + "ip").asText("");
        String mask = config.path("eth" + n + "mask").asText("");
        if (ip.isEmpty() || ip.equals("0.0.0.0")) {
            return;
        }
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("public_ip", ip);
        e.put("netmask", mask);
        e.put("nic_dev_id", n);
        e.put("nw_type", nwType);
        e.put("add", true);
        e.put("source_nat", false);
        e.put("gateway", nwType.equals("public") ? config.path("gateway").asText("") : config.path("localgw").asText(""));
        String mtu = config.path(nwType.equals("public") ? "publicMtu" : nwType.equals("guest") ? "privateMtu" : "mtu").asText("");
        if (!mtu.isEmpty()) {
            e.put("mtu", mtu);
        }
        if (nwType.equals("control")) {
            // A control entry replaces the device's list (cs_ip.py).
            bag("ips").putArray("eth" + n).add(e);
        } else {
            addIp("cmd_line.json", e);
        }
    }

    // ---- ips (cs_ip.py) ----

    private void ips(Path p, ObjectNode in) {
        ArrayNode list = array(p, in, "ip_address");
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode e)) {
                throw new BagException(p.at("ip_address[" + i + "]") + ": expected an object");
            }
            text(p.sub("ip_address[" + i + "]"), e, "public_ip");
            addIp(p.at("ip_address[" + i + "]"), e.deepCopy());
        }
    }

    /**
     * One address: any entry with the same {@code public_ip} on any device goes first (its
     * device kept as a fallback), the device is found by MAC, else by {@code nic_dev_id}; a
     * source-NAT address goes first in its device's list. {@code add:false} removes it (CloudStack
     * keeps the entry for CsAddress to act on; the agent converges from the desired state, so the
     * bag holds what is wanted).
     */
    private void addIp(String where, ObjectNode e) {
        ObjectNode ips = bag("ips");
        String ip = e.path("public_ip").asText();
        String fallback = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = ips.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> dev = it.next();
            if (!(dev.getValue() instanceof ArrayNode arr)) {
                continue;
            }
            for (int k = arr.size() - 1; k >= 0; k--) {
                if (arr.get(k).path("public_ip").asText().equals(ip)) {
                    fallback = dev.getKey();
                    arr.remove(k);
                }
            }
        }
        String device = nics.byMac(e.path("vif_mac_address").asText(null)).orElse(null);
        if (device == null && e.path("nic_dev_id").canConvertToInt() && !e.path("nic_dev_id").isTextual()) {
            device = "eth" + e.path("nic_dev_id").asInt();
        } else if (device == null && e.path("nic_dev_id").isTextual() && e.path("nic_dev_id").asText().matches("\\d{1,2}")) {
            device = "eth" + e.path("nic_dev_id").asText();
        }
        if (device == null) {
            device = fallback;
        }
        if (device == null) {
            throw new BagException(where + ".nic_dev_id: address " + ip + " has neither a known vif_mac_address nor a nic_dev_id");
        }
        if (!e.path("add").asBoolean(true)) {
            return;
        }
        e.put("device", device);
        e.put("nw_type", e.path("nw_type").asText("public").toLowerCase(java.util.Locale.ROOT));
        if (e.has("mtu") && !e.get("mtu").isTextual()) {
            e.put("mtu", e.get("mtu").asText());
        }
        ArrayNode arr = ips.get(device) instanceof ArrayNode a ? a : ips.putArray(device);
        if (e.path("source_nat").asBoolean(false)) {
            arr.insert(0, e);
        } else {
            arr.add(e);
        }
    }

    private void ipAliases(Path p, ObjectNode in) {
        ArrayNode aliases = array(p, in, "aliases");
        String guestDev = firstDevice("guest");
        for (int i = 0; i < aliases.size(); i++) {
            JsonNode a = aliases.get(i);
            Path ap = p.sub("aliases[" + i + "]");
            if (guestDev == null) {
                throw new BagException(ap.at("ip_address") + ": no guest interface to put the alias on");
            }
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.put("public_ip", text(ap, a, "ip_address"));
            e.put("netmask", text(ap, a, "netmask"));
            e.put("nic_dev_id", Integer.parseInt(guestDev.substring(3)));
            e.put("nw_type", "guest");
            e.put("add", !a.path("revoke").asBoolean(false));
            e.put("alias", true);
            addIp(ap.toString(), e);
        }
    }

    String firstDevice(String nwType) {
        for (Iterator<Map.Entry<String, JsonNode>> it = bag("ips").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> dev = it.next();
            for (JsonNode e : dev.getValue()) {
                if (e.path("nw_type").asText().equals(nwType)) {
                    return dev.getKey();
                }
            }
        }
        return null;
    }

    // ---- guestnetwork (cs_guestnetwork.py + processGuestNetwork) ----

    private void guestNetwork(Path p, ObjectNode in) {
        String device = text(p, in, "device");
        if (!device.matches("eth\\d{1,2}")) {
            throw new BagException(p.at("device") + ": \"" + VrCfg.shorten(device) + "\" is not a NIC name eth<N>");
        }
        ObjectNode b = bag("guestnetwork");
        boolean add = in.path("add").asBoolean(true);
        ObjectNode entry = strip(in);
        if (!add) {
            JsonNode list = b.get(device);
            if (list instanceof ArrayNode arr && arr.size() > 1) {
                arr.remove(0);
            } else {
                b.remove(device);
            }
        } else {
            if (!entry.has("domain_name")) {
                entry.put("domain_name", "cloudnine.internal");
            }
            // CloudStack appends; one guest network per NIC is what a router has, so the same
            // device again replaces (an append would give the NIC two networks' addresses).
            b.putArray(device).add(entry);
        }
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("public_ip", text(p, in, "router_guest_ip"));
        e.put("netmask", in.path("router_guest_netmask").asText(""));
        e.put("nic_dev_id", Integer.parseInt(device.substring(3)));
        e.put("nw_type", "guest");
        e.put("add", add);
        e.put("source_nat", false);
        if (in.has("mac_address")) {
            e.put("vif_mac_address", in.get("mac_address").asText());
        }
        if (in.has("mtu")) {
            e.put("mtu", in.get("mtu").asText());
        }
        addIp(p.toString(), e);
    }

    // ---- firewall (cs_firewallrules.py) ----

    private void firewall(Path p, ObjectNode in, String key) {
        ObjectNode b = bag(key);
        ArrayNode rules = array(p, in, "rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            Path rp = p.sub("rules[" + i + "]");
            if (!r.has("id")) {
                throw new BagException(rp.at("id") + ": missing (firewall rules are kept by id)");
            }
            String id = r.get("id").asText();
            if (r.path("revoked").asBoolean(false)) {
                b.remove(id);
            } else if (!b.has(id)) {
                // An existing id is not updated (CloudStack's rule: a rule id names one rule for good).
                b.set(id, r);
            }
        }
    }

    // ---- forwarding (cs_forwardingrules.py) ----

    private void forwarding(Path p, ObjectNode in, String type) {
        ObjectNode b = bag("forwardingrules");
        ArrayNode rules = array(p, in, "rules");
        boolean staticNat = type.equals("staticnatrules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            Path rp = p.sub("rules[" + i + "]");
            String pub = text(rp, r, "source_ip_address");
            ObjectNode rule = JsonNodeFactory.instance.objectNode();
            rule.put("public_ip", pub);
            rule.put("internal_ip", text(rp, r, "destination_ip_address"));
            rule.put("type", staticNat ? "staticnat" : "forward");
            if (!staticNat) {
                rule.put("public_ports", text(rp, r, "source_port_range"));
                rule.put("internal_ports", text(rp, r, "destination_port_range"));
                rule.put("protocol", text(rp, r, "protocol").toLowerCase(java.util.Locale.ROOT));
                rule.put("source_cidr_list", r.path("source_cidr_list").asText(""));
            } else if (r.has("protocol")) {
                rule.put("protocol", r.get("protocol").asText());
            }
            boolean revoke = r.path("revoke").asBoolean(false);
            if (staticNat) {
                if (revoke) {
                    b.remove(pub);
                } else {
                    b.putArray(pub).add(rule);
                }
                continue;
            }
            ArrayNode list = b.get(pub) instanceof ArrayNode a ? a : null;
            int match = -1;
            if (list != null) {
                for (int k = 0; k < list.size(); k++) {
                    JsonNode o = list.get(k);
                    if (o.path("type").asText().equals("forward") && o.path("public_ports").asText().equals(rule.path("public_ports").asText())
                            && o.path("protocol").asText().equals(rule.path("protocol").asText())
                            && cidrsIntersect(o.path("source_cidr_list").asText(""), rule.path("source_cidr_list").asText(""))) {
                        match = k;
                        break;
                    }
                }
            }
            if (revoke) {
                if (match >= 0) {
                    list.remove(match);
                    if (list.isEmpty()) {
                        b.remove(pub);
                    }
                }
            } else if (match >= 0) {
                list.set(match, rule);
            } else {
                if (list == null) {
                    list = b.putArray(pub);
                }
                list.add(rule);
            }
        }
    }

    private static boolean cidrsIntersect(String a, String b) {
        Set<String> x = cidrSet(a);
        Set<String> y = cidrSet(b);
        if (x.isEmpty() || y.isEmpty()) {
            return x.isEmpty() && y.isEmpty();
        }
        return x.stream().anyMatch(y::contains);
    }

    static Set<String> cidrSet(String list) {
        Set<String> s = new java.util.LinkedHashSet<>();
        for (String c : list.split(",")) {
            if (!c.isBlank()) {
                s.add(c.strip());
            }
        }
        return s;
    }

    // ---- dhcpentry (cs_dhcp.py) ----

    private void dhcpEntry(Path p, ObjectNode in) {
        ObjectNode b = bag("dhcpentry");
        String ip = text(p, in, "ipv4_address");
        String mac = in.path("mac_address").asText("");
        // CloudStack's delete branch looks for add:false, but the management server sends
        // remove:true; CloudStack only skips such entries later (CsDhcp). Here remove removes.
        if (in.path("remove").asBoolean(false) || !in.path("add").asBoolean(true)) {
            b.remove(ip);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("id") && !mac.isEmpty() && e.getValue().path("mac_address").asText().equalsIgnoreCase(mac)) {
                it.remove();
            }
        }
        b.set(ip, strip(in));
    }

    private void keyedCreate(Path p, ObjectNode in, String key, String field) {
        ObjectNode b = bag(key);
        String k = text(p, in, field);
        if (!in.path("create").asBoolean(true)) {
            b.remove(k);
        } else {
            b.set(k, strip(in));
        }
    }

    private void vpnUsers(Path p, ObjectNode in) {
        ObjectNode b = bag("vpnuserlist");
        ArrayNode users = array(p, in, "vpn_users");
        for (int i = 0; i < users.size(); i++) {
            JsonNode u = users.get(i);
            String user = text(p.sub("vpn_users[" + i + "]"), u, "user");
            // CloudStack marks a user add:false and purges it on the next file; removed at once here.
            if (u.path("add").asBoolean(true)) {
                b.set(user, u);
            } else {
                b.remove(user);
            }
        }
    }

    private void staticRoutes(Path p, ObjectNode in) {
        ObjectNode b = bag("staticroutes");
        ArrayNode routes = array(p, in, "routes");
        for (int i = 0; i < routes.size(); i++) {
            JsonNode r = routes.get(i);
            String net = text(p.sub("routes[" + i + "]"), r, "network");
            // CloudStack keeps a revoked route in the bag (revoke:true) for CsStaticRoutes to delete.
            if (r.path("revoke").asBoolean(false)) {
                b.remove(net);
            } else {
                b.set(net, r);
            }
        }
    }

    // ---- helpers ----

    private ObjectNode replace(String key) {
        ObjectNode o = all.putObject(key);
        o.put("id", key);
        return o;
    }

    private static ObjectNode strip(ObjectNode in) {
        ObjectNode c = in.deepCopy();
        c.remove("type");
        c.remove("delete_from_processed_cache");
        return c;
    }

    static String text(Path p, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank()) {
            throw new BagException(p.at(field) + ": " + (v == null || v.isNull() ? "missing" : "expected a value, got " + v));
        }
        return v.asText().strip();
    }

    static ArrayNode array(Path p, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v instanceof ArrayNode a) {
            return a;
        }
        throw new BagException(p.at(field) + ": " + (v == null ? "missing" : "expected a list, got " + VrCfg.shorten(v.toString())));
    }

    /** A place in a CloudStack file: {@code file: path.to.field}. */
    record Path(String value) {
        String at(String field) {
            return value.contains(": ") ? value + "." + field : value + ": " + field;
        }

        Path sub(String field) {
            return new Path(at(field));
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
