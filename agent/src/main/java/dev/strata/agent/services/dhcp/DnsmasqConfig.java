package dev.strata.agent.services.dhcp;

import dev.strata.agent.model.DhcpHost;
import dev.strata.agent.model.GuestNetwork;
import dev.strata.agent.model.Net;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.services.guest.GuestView;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * dnsmasq's files for a checked configuration. The main file ({@code dnsmasq.conf}: interfaces,
 * ranges, resolvers) changes only with the networks and needs a restart; the data files
 * ({@code dhcp-hosts}, {@code dhcp-opts}, {@code hosts}) change with every host and are re-read
 * on SIGHUP, so no lease and no cache is lost. Values are validated before they get here.
 */
public final class DnsmasqConfig {

    public static final String MAIN = "dnsmasq.conf";
    public static final String HOSTS = "dhcp-hosts";
    public static final String OPTS = "dhcp-opts";
    public static final String DNS_HOSTS = "hosts";
    public static final List<String> DATA_FILES = List.of(HOSTS, OPTS, DNS_HOSTS);

    private DnsmasqConfig() {
    }

    /** File name -> text, main file first; empty when no guest network offers DHCP or DNS. */
    public static Map<String, String> render(RouterConfig c, Path dir, Path runtimeDir) {
        GuestView view = GuestView.of(c);
        List<GuestView.Net4> served = view.networks().stream()
                .filter(n -> n.network().offers("dhcp") || n.network().offers("dns")).toList();
        Map<String, String> files = new LinkedHashMap<>();
        if (served.isEmpty()) {
            return files;
        }
        StringBuilder hostTags = new StringBuilder();
        StringBuilder hosts = new StringBuilder();
        StringBuilder opts = new StringBuilder(header());
        StringBuilder names = new StringBuilder(header());
        hosts.append(header());

        for (GuestView.Net4 n : served) {
            GuestNetwork g = n.network();
            String tag = netTag(n);
            if (g.offers("dhcp")) {
                opts.append("tag:").append(tag).append(",option:router,").append(n.gateway()).append('\n');
                List<String> dns = g.dnsServers().isEmpty() ? List.of(Net.text(n.routerAddress())) : g.dnsServers();
                opts.append("tag:").append(tag).append(",option:dns-server,").append(String.join(",", dns)).append('\n');
                if (g.domain() != null) {
                    opts.append("tag:").append(tag).append(",option:domain-name,").append(g.domain().toLowerCase(Locale.ROOT))
                            .append('\n');
                }
                for (GuestNetwork.DhcpOption o : g.options()) {
                    opts.append("tag:").append(tag).append(',').append(o.code()).append(',').append(o.value()).append('\n');
                }
            }
        }
        for (DhcpHost h : c.dhcpHosts()) {
            Inet4Address ip = (Inet4Address) Net.ip(h.ipv4()).orElseThrow();
            Optional<GuestView.Net4> in = view.networkOf(ip);
            if (in.isEmpty() || !served.contains(in.get())) {
                continue;
            }
            GuestView.Net4 n = in.get();
            String addr = Net.text(ip);
            String own = "h" + addr.replace('.', '_');
            boolean routes = !h.staticRoutes().isEmpty();
            // A host with options of its own gets one tag, set by its MAC in the main file: an option
            // matched by that tag wins over the network's, which match the range's (context) tag only.
            // Not "set:" on the hosts-file line: dnsmasq 2.90 (Debian 12's) segfaults on SIGHUP once it
            // has leased to a host whose hosts-file line carries a tag (found by GuestServicesTest,
            // reproduced alone). So adding or removing such a host restarts dnsmasq; plain hosts, the
            // common case, are a SIGHUP.
            boolean ownOptions = routes || !h.dnsServers().isEmpty() || !h.givesDefaultRoute();
            hosts.append(h.mac().toLowerCase(Locale.ROOT));
            if (ownOptions) {
                hostTags.append("dhcp-mac=set:").append(own).append(',').append(h.mac().toLowerCase(Locale.ROOT)).append('\n');
            }
            hosts.append(',').append(addr);
            if (h.hostName() != null) {
                hosts.append(',').append(h.hostName());
            }
            hosts.append('\n');
            if (!h.givesDefaultRoute()) {
                // dnsmasq sends its own address as the router unless option 3 is given: "no default
                // route" is an empty option 3 (as CloudStack's VR writes for a VM's non-default NIC).
                opts.append("tag:").append(own).append(",option:router\n");
            }
            if (!h.dnsServers().isEmpty()) {
                opts.append("tag:").append(own).append(",option:dns-server,").append(String.join(",", h.dnsServers())).append('\n');
            }
            if (routes) {
                // A client that gets option 121 ignores the router option (RFC 3442): the default route goes in too.
                opts.append("tag:").append(own).append(",option:classless-static-route");
                for (DhcpHost.HostRoute r : h.staticRoutes()) {
                    opts.append(',').append(Net.cidr(r.destination()).orElseThrow().network()).append(',').append(r.gateway());
                }
                if (h.givesDefaultRoute()) {
                    opts.append(",0.0.0.0/0,").append(n.gateway());
                }
                opts.append('\n');
            }
            if (h.hostName() != null && n.network().offers("dns")) {
                names.append(addr);
                if (n.network().domain() != null) {
                    names.append(' ').append(h.hostName()).append('.').append(n.network().domain().toLowerCase(Locale.ROOT));
                }
                names.append(' ').append(h.hostName()).append('\n');
            }
        }
        files.put(MAIN, main(served, dir, runtimeDir) + hostTags);
        files.put(HOSTS, hosts.toString());
        files.put(OPTS, opts.toString());
        files.put(DNS_HOSTS, names.toString());
        return files;
    }

    private static String main(List<GuestView.Net4> served, Path dir, Path runtimeDir) {
        StringBuilder b = new StringBuilder(header());
        boolean dns = served.stream().anyMatch(n -> n.network().offers("dns"));
        b.append(dns ? "port=53\n" : "port=0\n");
        b.append("bind-dynamic\n");
        b.append("no-resolv\nno-hosts\nno-poll\nstrict-order\n");
        b.append("pid-file=\n");
        b.append("log-facility=-\n");
        b.append("dhcp-authoritative\n");
        b.append("dhcp-leasefile=").append(runtimeDir.resolve("dnsmasq.leases")).append('\n');
        b.append("dhcp-hostsfile=").append(dir.resolve(HOSTS)).append('\n');
        b.append("dhcp-optsfile=").append(dir.resolve(OPTS)).append('\n');
        b.append("addn-hosts=").append(dir.resolve(DNS_HOSTS)).append('\n');
        Set<String> upstream = new LinkedHashSet<>();
        for (GuestView.Net4 n : served) {
            GuestNetwork g = n.network();
            b.append("interface=").append(g.interfaceName()).append('\n');
            if (g.offers("dhcp")) {
                String lease = g.leaseSeconds() == null ? "86400" : g.leaseSeconds() == 0 ? "infinite"
                        : Integer.toString(g.leaseSeconds());
                String mask = mask(n.subnet().prefix());
                b.append("dhcp-range=set:").append(netTag(n)).append(',').append(Net.text(n.subnet().address()))
                        .append(",static,").append(mask).append(',').append(lease).append('\n');
                if (g.dynamicRange() != null) {
                    b.append("dhcp-range=set:").append(netTag(n)).append(',').append(g.dynamicRange().start()).append(',')
                            .append(g.dynamicRange().end()).append(',').append(mask).append(',').append(lease).append('\n');
                }
            } else {
                b.append("no-dhcp-interface=").append(g.interfaceName()).append('\n');
            }
            if (g.domain() != null && g.offers("dns")) {
                String d = g.domain().toLowerCase(Locale.ROOT);
                b.append("local=/").append(d).append("/\n");
                b.append("domain=").append(d).append(',').append(n.subnet()).append('\n');
            }
            upstream.addAll(g.upstreamResolvers());
        }
        upstream.forEach(u -> b.append("server=").append(u).append('\n'));
        return b.toString();
    }

    private static String netTag(GuestView.Net4 n) {
        return "net_" + n.interfaceName();
    }

    private static String mask(int prefix) {
        long m = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return (m >> 24) + "." + (m >> 16 & 0xff) + "." + (m >> 8 & 0xff) + "." + (m & 0xff);
    }

    private static String header() {
        return "# written by the Strata agent (service dhcp): changes here are overwritten\n";
    }
}
