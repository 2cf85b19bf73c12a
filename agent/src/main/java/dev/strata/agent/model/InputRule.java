package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An opening to the router itself on one interface ("management openings": the control NIC's
 * ssh on 3922 and ICMP). Everything else arriving on an interface the configuration names is
 * dropped by the input chain unless a service opened it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InputRule(@com.fasterxml.jackson.annotation.JsonProperty("interface") String interfaceName, String protocol, String ports, Integer icmpType, List<String> sourceCidrs) {
    public InputRule {
        sourceCidrs = Lists.of(sourceCidrs);
    }

}
