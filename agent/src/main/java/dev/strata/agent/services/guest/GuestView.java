package dev.strata.agent.services.guest;

import dev.strata.agent.model.GuestNetwork;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.Net;
import dev.strata.agent.model.RouterConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest networks of a configuration with their interfaces' IPv4 subnets resolved: what the
 * guest services share (which network an address is in, the router's own address there).
 * Built from a checked configuration only.
 */
public final class GuestView {

    /** One guest network: its item, its interface's first IPv4 address and subnet. */
    public record Net4(int index, GuestNetwork network, Inet4Address routerAddress, Net.Cidr subnet) {
        public String interfaceName() {
            return network.interfaceName();
        }

        public String gateway() {
            return network.gateway() != null ? network.gateway() : Net.text(routerAddress);
        }
    }

    private final List<Net4> networks = new ArrayList<>();

    private GuestView() {
    }

    /** The networks whose interface exists with an IPv4 address; the others are the checks' business. */
    public static GuestView of(RouterConfig c) {
        Map<String, Interface> ifs = new HashMap<>();
        c.interfaces().forEach(i -> {
            if (i != null && i.name() != null) {
                ifs.put(i.name(), i);
            }
        });
        GuestView v = new GuestView();
        for (int n = 0; n < c.guestNetworks().size(); n++) {
            GuestNetwork g = c.guestNetworks().get(n);
            Interface i = g == null ? null : ifs.get(g.interfaceName());
            if (i == null) {
                continue;
            }
            for (String a : i.addresses()) {
                Optional<Net.Cidr> cidr = Net.cidr(a);
                if (cidr.isPresent() && cidr.get().address() instanceof Inet4Address v4) {
                    v.networks.add(new Net4(n, g, v4, cidr.get().network()));
                    break;
                }
            }
        }
        return v;
    }

    public List<Net4> networks() {
        return networks;
    }

    /** The guest network holding {@code a}, if any. */
    public Optional<Net4> networkOf(InetAddress a) {
        for (Net4 n : networks) {
            if (n.subnet().contains(a)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** The networks offering {@code service}. */
    public List<Net4> offering(String service) {
        return networks.stream().filter(n -> n.network().offers(service)).toList();
    }
}
