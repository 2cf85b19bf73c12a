package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The guest services on one guest interface: DHCP (static leases from {@link DhcpHost}, and an
 * optional dynamic range), DNS for the guests' names with upstream resolvers, the password
 * server and metadata. {@code services} defaults to all four.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record GuestNetwork(@JsonProperty("interface") String interfaceName, String gateway, List<String> dnsServers,
                           String domain, List<String> upstreamResolvers, Integer leaseSeconds, Range dynamicRange,
                           List<DhcpOption> options, List<String> services) {

    public static final List<String> ALL_SERVICES = List.of("dhcp", "dns", "password", "metadata");

    public GuestNetwork {
        dnsServers = Lists.of(dnsServers);
        upstreamResolvers = Lists.of(upstreamResolvers);
        options = Lists.of(options);
        services = services == null ? ALL_SERVICES : Lists.of(services);
    }

    public boolean offers(String service) {
        return services.contains(service);
    }

    /** An inclusive IPv4 address range handed out to unknown clients. */
    public record Range(String start, String end) {
    }

    /** A DHCP option by number, its value as dnsmasq takes it (addresses, numbers, plain text). */
    public record DhcpOption(Integer code, String value) {
    }
}
