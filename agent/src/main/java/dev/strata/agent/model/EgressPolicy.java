package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Egress from one guest network to the public side. With {@code defaultPolicy} "allow" the rules
 * block what they match; with "deny" they are the only traffic let out (CloudStack semantics).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record EgressPolicy(String network, String defaultPolicy, List<EgressRule> rules) {
    public EgressPolicy {
        rules = Lists.of(rules);
    }
}
