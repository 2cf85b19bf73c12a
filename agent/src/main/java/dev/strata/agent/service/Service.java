package dev.strata.agent.service;

import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import java.util.List;

/**
 * One service of the router (DHCP/DNS, password server, metadata, later VRRP, VPNs...): the
 * parts it reads, its checks, its plan as text, and applying and reverting that plan. The core
 * ({@code RouterService}) decides once whether a service's parts changed, runs check and plan
 * for the changed ones, applies them in {@link Phase} order, reverts the applied ones in reverse
 * on failure, and only then publishes the journal. See docs/agent.md, "The service framework".
 */
public interface Service {

    /** API path, health key, log prefix. */
    String name();

    Phase phase();

    /** The parts this service reads; a change elsewhere never reaches it. */
    List<ConfigPart> parts();

    /** Pure: adds every problem with its JSON path. Runs for a changed part, and always for cross-part checks. */
    void check(RouterConfig config, Checks checks);

    /** Pure: the files and actions that would make {@code next} true. Only called on a checked configuration. */
    Plan plan(RouterConfig next);

    /**
     * Makes {@code next} true; {@code previous} is what is in place (null at start-up: nothing
     * is known, so the service makes sure). Throws ApplyException naming itself on failure,
     * with what it replaced put back.
     */
    void apply(Plan next, Plan previous);

    /** Puts {@code previous} back after a later service failed (null: stop what apply started). */
    void revert(Plan previous);

    /** Asked of the daemon or server now, not remembered. */
    Health health();

    /** Its ports on its interfaces, for the input chain (default deny). */
    default List<Opening> openings(RouterConfig config) {
        return List.of();
    }

    /** The agent stops (the daemons, being units, keep running; in-process servers close). */
    default void close() {
    }
}
