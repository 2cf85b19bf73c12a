package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A guest's static DHCP lease and DNS name (CloudStack's dhcpentry). Its guest network is the
 * one whose interface subnet holds {@code ipv4}. {@code defaultRoute} false gives no router
 * option (a VM's non-default NIC).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DhcpHost(String mac, String ipv4, String hostName, Boolean defaultRoute, List<HostRoute> staticRoutes,
                       List<String> dnsServers) {
    public DhcpHost {
        staticRoutes = Lists.of(staticRoutes);
        dnsServers = Lists.of(dnsServers);
    }

    public boolean givesDefaultRoute() {
        return defaultRoute == null || defaultRoute;
    }

    /** A classless static route handed to the guest (option 121). */
    public record HostRoute(String destination, String gateway) {
    }
}
