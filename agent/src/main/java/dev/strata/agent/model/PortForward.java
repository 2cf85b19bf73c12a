package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Port forwarding (DNAT) of a public IP's TCP or UDP port or port range to a guest. A range is
 * forwarded to the same-sized range; a single port may be translated to another port.
 * {@code openFirewall} (default true) opens the public side for {@code sourceCidrs} (none =
 * anywhere), as CloudStack does when it creates the matching firewall rule.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PortForward(String publicIp, String protocol, String publicPorts, String privateIp, String privatePorts,
                          List<String> sourceCidrs, Boolean openFirewall) {
    public PortForward {
        sourceCidrs = Lists.of(sourceCidrs);
    }

    public boolean opensFirewall() {
        return openFirewall == null || openFirewall;
    }
}
