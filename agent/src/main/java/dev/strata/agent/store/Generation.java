package dev.strata.agent.store;

import dev.strata.agent.model.RouterConfig;
import java.time.Instant;

/** One accepted transaction: its number, when, what it was (e.g. "apply", "patch firewall", "rollback to 7"), the whole config. */
public record Generation(long generation, Instant createdAt, String operation, RouterConfig config) {

    /** Generation 0: the empty configuration a new router starts from; never stored. */
    public static final Generation INITIAL = new Generation(0, Instant.EPOCH, "initial (empty)", RouterConfig.EMPTY);
}
