package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An ingress opening on a public IP (CloudStack's firewall rule): everything else addressed to a
 * public IP is dropped. Protocol tcp/udp with {@code ports} ("22" or "1000-2000"), icmp/icmpv6
 * with optional type and code, or "all". No source CIDRs means from anywhere.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record FirewallRule(String publicIp, String protocol, String ports, Integer icmpType, Integer icmpCode,
                           List<String> sourceCidrs) {
    public FirewallRule {
        sourceCidrs = Lists.of(sourceCidrs);
    }
}
