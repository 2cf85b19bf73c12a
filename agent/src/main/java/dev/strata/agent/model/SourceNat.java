package dev.strata.agent.model;

/** Source NAT of a guest network leaving through a public interface, to the given public address. */
public record SourceNat(String network, String outInterface, String toAddress) {
}
