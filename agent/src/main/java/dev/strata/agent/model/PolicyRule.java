package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Policy routing ({@code ip rule}): traffic from a source CIDR and/or in through an interface uses a table. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyRule(Integer priority, String from, String to, String iif, Integer table) {
}
