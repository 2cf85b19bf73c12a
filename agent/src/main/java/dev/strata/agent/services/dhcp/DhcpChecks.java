package dev.strata.agent.services.dhcp;

import dev.strata.agent.model.DhcpHost;
import dev.strata.agent.model.GuestNetwork;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.service.Checks;
import dev.strata.agent.services.guest.GuestView;
import java.net.Inet4Address;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of {@code guestNetworks} and {@code dhcpHosts}: every field, and conflicts naming both places. */
final class DhcpChecks {

    /** dnsmasq option values: addresses, numbers, names, comma-separated lists; nothing that ends a line or a field. */
    private static final Pattern OPTION_VALUE = Pattern.compile("[A-Za-z0-9.:/_-]+(,[A-Za-z0-9.:/_-]+)*");
    private static final int MAX_HOSTS = 65_536;

    private DhcpChecks() {
    }

    static void check(RouterConfig c, Checks ch) {
        Map<String, Interface> ifs = new HashMap<>();
        c.interfaces().forEach(i -> {
            if (i != null && i.name() != null) {
                ifs.put(i.name(), i);
            }
        });
        Map<String, String> seenIf = Checks.seen();
        for (int n = 0; n < c.guestNetworks().size(); n++) {
            String p = "guestNetworks[" + n + "]";
            GuestNetwork g = c.guestNetworks().get(n);
            if (g == null) {
                ch.add(p, null, "missing");
                continue;
            }
            Interface i = g.interfaceName() == null ? null : ifs.get(g.interfaceName());
            if (i == null) {
                ch.add(p + ".interface", g.interfaceName(), "no such interface in interfaces");
            } else if (!"guest".equals(i.role())) {
                ch.add(p + ".interface", g.interfaceName(), "is not a guest interface (role " + i.role() + ")");
            } else if (i.addresses().stream().noneMatch(a -> a != null && a.indexOf(':') < 0)) {
                ch.add(p + ".interface", g.interfaceName(), "has no IPv4 address to serve from");
            }
            if (g.interfaceName() != null) {
                ch.unique(seenIf, g.interfaceName(), p + ".interface", "guest network interface");
            }
            for (int s = 0; s < g.services().size(); s++) {
                if (!GuestNetwork.ALL_SERVICES.contains(g.services().get(s))) {
                    ch.add(p + ".services[" + s + "]", g.services().get(s), "expected one of dhcp, dns, password, metadata");
                }
            }
            if (g.leaseSeconds() != null && (g.leaseSeconds() < 0 || (g.leaseSeconds() > 0 && g.leaseSeconds() < 120))) {
                ch.add(p + ".leaseSeconds", g.leaseSeconds(), "a lease is 120 s or more (dnsmasq's minimum), or 0 for infinite");
            }
            if (g.domain() != null) {
                ch.domain(p + ".domain", g.domain());
            }
            for (int s = 0; s < g.dnsServers().size(); s++) {
                ch.ipv4(p + ".dnsServers[" + s + "]", g.dnsServers().get(s), true);
            }
            for (int s = 0; s < g.upstreamResolvers().size(); s++) {
                ch.ipv4(p + ".upstreamResolvers[" + s + "]", g.upstreamResolvers().get(s), true);
            }
            for (int o = 0; o < g.options().size(); o++) {
                GuestNetwork.DhcpOption opt = g.options().get(o);
                String op = p + ".options[" + o + "]";
                if (opt == null || opt.code() == null || opt.code() < 1 || opt.code() > 254) {
                    ch.add(op + ".code", opt == null ? null : opt.code(), "a DHCP option code is 1-254");
                }
                if (opt != null && (opt.value() == null || opt.value().length() > 255 || !OPTION_VALUE.matcher(opt.value()).matches())) {
                    ch.add(op + ".value", opt.value(), "expected addresses, numbers or names separated by commas (at most 255 characters)");
                }
            }
        }
        GuestView view = GuestView.of(c);
        for (GuestView.Net4 net : view.networks()) {
            String p = "guestNetworks[" + net.index() + "]";
            GuestNetwork g = net.network();
            ch.ipv4(p + ".gateway", g.gateway(), false).ifPresent(gw -> {
                if (!net.subnet().contains(gw)) {
                    ch.add(p + ".gateway", g.gateway(), "is outside the interface's subnet " + net.subnet());
                }
            });
            if (g.dynamicRange() != null) {
                Optional<Inet4Address> a = ch.ipv4(p + ".dynamicRange.start", g.dynamicRange().start(), true);
                Optional<Inet4Address> b = ch.ipv4(p + ".dynamicRange.end", g.dynamicRange().end(), true);
                a.filter(x -> !net.subnet().contains(x)).ifPresent(x -> ch.add(p + ".dynamicRange.start", g.dynamicRange().start(),
                        "is outside the interface's subnet " + net.subnet()));
                b.filter(x -> !net.subnet().contains(x)).ifPresent(x -> ch.add(p + ".dynamicRange.end", g.dynamicRange().end(),
                        "is outside the interface's subnet " + net.subnet()));
                if (a.isPresent() && b.isPresent() && Integer.compareUnsigned(v(a.get()), v(b.get())) > 0) {
                    ch.add(p + ".dynamicRange", g.dynamicRange().start() + "-" + g.dynamicRange().end(), "start is after end");
                }
            }
        }
        hosts(c, view, ch);
    }

    private static void hosts(RouterConfig c, GuestView view, Checks ch) {
        if (c.dhcpHosts().size() > MAX_HOSTS) {
            ch.add("dhcpHosts", c.dhcpHosts().size(), "at most " + MAX_HOSTS + " hosts");
            return;
        }
        Map<String, String> macs = new HashMap<>();
        Map<Inet4Address, String> ips = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        Set<String> routerAddresses = new java.util.HashSet<>();
        view.networks().forEach(n -> routerAddresses.add(n.routerAddress().getHostAddress()));
        for (int h = 0; h < c.dhcpHosts().size(); h++) {
            String p = "dhcpHosts[" + h + "]";
            DhcpHost host = c.dhcpHosts().get(h);
            if (host == null) {
                ch.add(p, null, "missing");
                continue;
            }
            ch.mac(p + ".mac", host.mac()).ifPresent(m -> ch.unique(macs, m, p + ".mac", "MAC address"));
            Optional<Inet4Address> ip = ch.ipv4(p + ".ipv4", host.ipv4(), true);
            Optional<GuestView.Net4> net = Optional.empty();
            if (ip.isPresent()) {
                net = view.networkOf(ip.get());
                if (net.isEmpty()) {
                    ch.add(p + ".ipv4", host.ipv4(), "is in no guest network (" + String.join(", ",
                            view.networks().stream().map(n -> n.subnet().toString()).toList()) + ")");
                } else if (routerAddresses.contains(ip.get().getHostAddress())) {
                    ch.add(p + ".ipv4", host.ipv4(), "is the router's own address");
                } else {
                    ch.unique(ips, ip.get(), p + ".ipv4", "IPv4 address");
                }
            }
            if (host.hostName() != null) {
                final Optional<GuestView.Net4> in = net;
                ch.hostName(p + ".hostName", host.hostName()).ifPresent(n -> ch.unique(names,
                        n.toLowerCase(java.util.Locale.ROOT) + in.map(x -> "@" + x.interfaceName()).orElse(""), p + ".hostName",
                        "host name in one network"));
            }
            for (int r = 0; r < host.staticRoutes().size(); r++) {
                String rp = p + ".staticRoutes[" + r + "]";
                DhcpHost.HostRoute route = host.staticRoutes().get(r);
                if (route == null) {
                    ch.add(rp, null, "missing");
                    continue;
                }
                ch.cidr(rp + ".destination", route.destination()).filter(x -> !x.v4())
                        .ifPresent(x -> ch.add(rp + ".destination", route.destination(), "option 121 routes are IPv4"));
                ch.ipv4(rp + ".gateway", route.gateway(), true);
            }
            for (int s = 0; s < host.dnsServers().size(); s++) {
                ch.ipv4(p + ".dnsServers[" + s + "]", host.dnsServers().get(s), true);
            }
        }
    }

    static int v(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
