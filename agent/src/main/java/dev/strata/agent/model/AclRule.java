package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One VPC ACL rule. Ingress rules (traffic into the tier) match source CIDRs, egress rules
 * (traffic out of the tier) match destination CIDRs; no CIDRs means any.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AclRule(Integer number, String direction, String action, String protocol, String ports, Integer icmpType,
                      Integer icmpCode, List<String> cidrs) {
    public AclRule {
        cidrs = Lists.of(cidrs);
    }
}
