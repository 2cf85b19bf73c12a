package dev.strata.agent.service;

/** The order services are applied in (and reverted in reverse): a daemon binds addresses the network phase made. */
public enum Phase {
    NETWORK, FIREWALL, DAEMONS, OBSERVE
}
