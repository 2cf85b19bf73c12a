package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The network ACL of one VPC tier (the guest interface it sits behind). Rules are evaluated in
 * rule-number order, first match wins; what no rule matches gets the default action of its
 * direction (default "deny" for both, as a CloudStack custom ACL list ends in deny).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AclTier(String tier, String device, List<AclRule> rules, String defaultIngress, String defaultEgress) {
    public AclTier {
        rules = Lists.of(rules);
    }
}
