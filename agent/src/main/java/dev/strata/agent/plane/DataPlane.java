package dev.strata.agent.plane;

import dev.strata.agent.model.RouterConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a configuration into the kernel: the nft table first (one transaction: element updates
 * when only set contents changed, otherwise the whole table), then links, addresses, routes and
 * rules. If the ip step fails, the previous table and network state are put back, so a failed
 * apply leaves the router as it was.
 */
public final class DataPlane {

    private final Nft nft;
    private final IpPlane ip;
    private Ruleset loaded;
    private RouterConfig appliedConfig = RouterConfig.EMPTY;

    public DataPlane(Nft nft, IpPlane ip) {
        this.nft = nft;
        this.ip = ip;
    }

    /** What loading {@code next} would send to nft now: element updates, a swap of the table's contents, or a new table (a dry run shows it). */
    public String scriptFor(Ruleset next) {
        return loaded == null ? next.fullScript() : next.deltaFrom(loaded).orElseGet(() -> next.swapScript(loaded));
    }

    public IpPlane.Plan ipPlanFor(RouterConfig next) {
        return ip.plan(next, appliedConfig);
    }

    /** Where a step of {@link #apply} ends, for the timings a change reports ("nft", "ip"). */
    @FunctionalInterface
    public interface Laps {
        void lap(String step);
    }

    /** @throws ApplyException when the kernel refuses; the previous state is then still (or again) in place */
    public void apply(RouterConfig next, Ruleset rendered) {
        apply(next, rendered, step -> { });
    }

    /** {@link #apply(RouterConfig, Ruleset)}, reporting where each step ends. */
    public synchronized void apply(RouterConfig next, Ruleset rendered, Laps laps) {
        Optional<String> delta = loaded == null ? Optional.empty() : rendered.deltaFrom(loaded);
        if (delta.isPresent()) {
            if (!delta.get().isEmpty()) {
                nft.load(delta.get());
            }
        } else {
            // The whole table's contents change. The script (0.7 MB for 10,000 rules) is written
            // straight into nft's input, never held whole.
            loadWhole(rendered);
        }
        laps.lap("nft");
        try {
            if (!sameNetwork(next, appliedConfig)) {
                ip.apply(next, appliedConfig);
            }
        } catch (RuntimeException | Error e) {
            String restored = restore(next);
            throw new ApplyException(e.getMessage() + "; " + restored);
        }
        laps.lap("ip");
        loaded = rendered;
        appliedConfig = next;
    }

    /**
     * Swaps the table's contents in place when the kernel holds what this agent loaded (counters
     * keep their values untouched); otherwise, or if the kernel refuses that, replaces the table
     * with the counters read first and carried over. Either way traffic statistics never go
     * backwards, and either is one transaction.
     */
    private void loadWhole(Ruleset rendered) {
        if (loaded != null) {
            Ruleset previous = loaded;
            try {
                nft.load(out -> rendered.writeSwapScript(out, previous));
                return;
            } catch (ApplyException e) {
                // The table is not what we loaded (changed or deleted by hand): the kernel took none of it.
            }
        }
        Map<String, long[]> counters = nft.counters();
        nft.load(out -> rendered.writeFullScript(out, counters));
    }

    /**
     * The parts ip programs are the very same (immutable) lists as applied: a firewall or NAT
     * change then costs no ip process at all.
     */
    private static boolean sameNetwork(RouterConfig a, RouterConfig b) {
        return a.interfaces() == b.interfaces() && a.routes() == b.routes() && a.policyRules() == b.policyRules()
                && a.staticRoutes() == b.staticRoutes() && !a.interfaces().isEmpty();
    }

    private String restore(RouterConfig failed) {
        try {
            Ruleset previous = loaded == null ? NftRenderer.render(RouterConfig.EMPTY) : loaded;
            Map<String, long[]> counters = nft.counters();
            nft.load(out -> previous.writeFullScript(out, counters));
            ip.apply(appliedConfig, failed);
            return "previous state restored";
        } catch (RuntimeException | Error again) {
            return "restoring the previous state failed too: " + again.getMessage();
        }
    }

    public Nft nft() {
        return nft;
    }
}
