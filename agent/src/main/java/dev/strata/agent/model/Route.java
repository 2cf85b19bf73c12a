package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A route: destination CIDR via a gateway and/or out of a device, in a routing table (default main = 254). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Route(String destination, String gateway, String device, Integer table, Integer metric) {
}
