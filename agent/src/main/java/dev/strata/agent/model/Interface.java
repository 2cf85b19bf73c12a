package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A network interface of the router. {@code role} says what the firewall does with it:
 * "public" interfaces get default-deny ingress on their addresses and are where source NAT and
 * egress policies apply; "guest" and "control" interfaces are not filtered by the public firewall.
 * Addresses are CIDR strings with the interface's own host part, IPv4 or IPv6.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Interface(String name, String role, Integer mtu, List<String> addresses) {
    public Interface {
        addresses = Lists.of(addresses);
    }
}
