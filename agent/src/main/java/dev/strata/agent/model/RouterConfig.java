package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The whole desired state of one virtual router. Every part is a list, so that every part can
 * be replaced whole or patched by adding and removing items (see {@link ConfigPart}, the
 * registry of parts, which is driven by this record's components: adding a part is one
 * component here and one line there). A missing part in JSON is an empty list.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RouterConfig(
        List<Interface> interfaces,
        List<Route> routes,
        List<PolicyRule> policyRules,
        List<FirewallRule> firewall,
        List<EgressPolicy> egress,
        List<PortForward> portForwards,
        List<StaticNat> staticNats,
        List<SourceNat> sourceNats,
        List<AclTier> acls,
        List<StaticRoute> staticRoutes,
        List<InputRule> inputRules,
        List<GuestNetwork> guestNetworks,
        List<DhcpHost> dhcpHosts,
        List<VmData> vmData) {

    public static final RouterConfig EMPTY = new RouterConfig(null, null, null, null, null, null, null, null, null, null);

    public RouterConfig {
        interfaces = Lists.of(interfaces);
        routes = Lists.of(routes);
        policyRules = Lists.of(policyRules);
        firewall = Lists.of(firewall);
        egress = Lists.of(egress);
        portForwards = Lists.of(portForwards);
        staticNats = Lists.of(staticNats);
        sourceNats = Lists.of(sourceNats);
        acls = Lists.of(acls);
        staticRoutes = Lists.of(staticRoutes);
        inputRules = Lists.of(inputRules);
        guestNetworks = Lists.of(guestNetworks);
        dhcpHosts = Lists.of(dhcpHosts);
        vmData = Lists.of(vmData);
    }

    /** The kernel parts only (part 1's shape, kept for callers that configure no guest services). */
    public RouterConfig(List<Interface> interfaces, List<Route> routes, List<PolicyRule> policyRules,
                        List<FirewallRule> firewall, List<EgressPolicy> egress, List<PortForward> portForwards,
                        List<StaticNat> staticNats, List<SourceNat> sourceNats, List<AclTier> acls,
                        List<StaticRoute> staticRoutes) {
        this(interfaces, routes, policyRules, firewall, egress, portForwards, staticNats, sourceNats, acls, staticRoutes,
                null, null, null, null);
    }
}
