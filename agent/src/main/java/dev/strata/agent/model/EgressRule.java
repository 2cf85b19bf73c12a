package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One egress match: protocol, ports or ICMP type/code, destination CIDRs (none = anywhere). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record EgressRule(String protocol, String ports, Integer icmpType, Integer icmpCode, List<String> destinationCidrs) {
    public EgressRule {
        destinationCidrs = Lists.of(destinationCidrs);
    }
}
