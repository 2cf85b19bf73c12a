package dev.strata.agent.model;

/** One-to-one NAT: the public IPv4 address is the guest's, both ways. Inbound still needs firewall openings. */
public record StaticNat(String publicIp, String privateIp) {
}
