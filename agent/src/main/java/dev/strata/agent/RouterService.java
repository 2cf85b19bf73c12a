package dev.strata.agent;

import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.InvalidConfigException;
import dev.strata.agent.model.Problem;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.Validator;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.plane.DataPlane;
import dev.strata.agent.plane.IpPlane;
import dev.strata.agent.plane.NftRenderer;
import dev.strata.agent.plane.RenderCache;
import dev.strata.agent.plane.Ruleset;
import dev.strata.agent.store.Generation;
import dev.strata.agent.store.GenerationStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Transactions on the router's desired state. A change is validated, rendered, applied to the
 * kernel and only then committed to the journal as the next generation; any failure before the
 * commit leaves the kernel and the generation as they were. One change at a time.
 */
public final class RouterService {

    /** What the kernel holds: the generation applied, or why the last start-up apply failed. */
    public record Applied(long generation, String error) {
    }

    /** A transaction's result; for a dry run, what would be loaded and nothing else. */
    public record Outcome(long generation, boolean changed, boolean dryRun, ConfigDiff diff, String nftScript,
                          List<String> ipCommands, Map<String, Long> timingsMs) {
    }

    private final GenerationStore store;
    private final DataPlane plane;
    private final Clock clock;
    private final RenderCache renderCache = new RenderCache();
    private final Validator.ValidParts validParts = new Validator.ValidParts();
    private volatile Generation current;
    private volatile Applied applied = new Applied(-1, "starting");

    public RouterService(GenerationStore store, DataPlane plane, Clock clock) {
        this.store = store;
        this.plane = plane;
        this.clock = clock;
        this.current = store.latest();
    }

    /** Re-applies the last accepted generation (after a crash or reboot); health is ok only if it loaded. */
    public synchronized void start() {
        Generation g = store.latest();
        current = g;
        try {
            RouterConfig c = g.config();
            Validator.check(c);
            plane.apply(c, NftRenderer.render(c));
            applied = new Applied(g.generation(), null);
        } catch (ApplyException | InvalidConfigException e) {
            applied = new Applied(-1, "generation " + g.generation() + " could not be re-applied: " + e.getMessage());
        }
    }

    public Generation desired() {
        return current;
    }

    public Applied applied() {
        return applied;
    }

    /** Replaces the whole configuration in one transaction. */
    public synchronized Outcome apply(String operation, RouterConfig next, boolean dryRun) {
        Timer t = new Timer();
        Validator.check(next, validParts);
        t.lap("validate");
        Ruleset rendered = NftRenderer.render(next, renderCache);
        t.lap("render");
        Generation cur = current;
        ConfigDiff diff = ConfigDiff.between(cur.config(), next);
        t.lap("diff");
        if (dryRun) {
            IpPlane.Plan plan = plane.ipPlanFor(next);
            List<String> ip = new ArrayList<>(plan.batch());
            plan.batch6().forEach(l -> ip.add("-6 " + l));
            return new Outcome(cur.generation(), !diff.isEmpty(), true, diff, plane.scriptFor(rendered), ip, t.laps);
        }
        if (diff.isEmpty() && applied.generation() == cur.generation()) {
            return new Outcome(cur.generation(), false, false, diff, null, null, t.laps);
        }
        plane.apply(next, rendered);
        t.lap("kernel");
        Generation g = new Generation(cur.generation() + 1, clock.instant(), operation, next);
        try {
            store.commit(g);
        } catch (RuntimeException e) {
            // Not durable, so not accepted: put the kernel back to the last accepted generation.
            plane.apply(cur.config(), NftRenderer.render(cur.config()));
            throw e;
        }
        t.lap("commit");
        current = g;
        applied = new Applied(g.generation(), null);
        return new Outcome(g.generation(), true, false, diff, null, null, t.laps);
    }

    /** Milliseconds per step of a transaction, reported with its outcome (where did the time go). */
    private static final class Timer {
        final Map<String, Long> laps = new LinkedHashMap<>();
        long last = System.nanoTime();

        void lap(String step) {
            long now = System.nanoTime();
            laps.put(step, (now - last) / 1_000_000);
            last = now;
        }
    }

    public synchronized Outcome replacePart(ConfigPart part, List<?> items, boolean dryRun) {
        return apply("replace " + part.jsonName(), part.with(current.config(), items), dryRun);
    }

    /** Removes then adds items of one part; removing an item that is not there is an error naming it. */
    public synchronized Outcome patchPart(ConfigPart part, List<?> add, List<?> remove, boolean dryRun) {
        List<Object> items = new ArrayList<>(part.get(current.config()));
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < remove.size(); i++) {
            if (!items.remove(remove.get(i))) {
                problems.add(new Problem("remove[" + i + "]", String.valueOf(remove.get(i)), "not in " + part.jsonName()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        items.addAll(add);
        return apply("patch " + part.jsonName() + " (+" + add.size() + " -" + remove.size() + ")",
                part.with(current.config(), items), dryRun);
    }

    public synchronized Outcome rollback(long generation, boolean dryRun) {
        Generation g = store.read(generation)
                .orElseThrow(() -> new NoSuchElementException("no generation " + generation + " in the history"));
        return apply("rollback to " + generation, g.config(), dryRun);
    }

    public List<Generation> history() {
        return store.history();
    }

    public Optional<Generation> generation(long n) {
        return store.read(n);
    }

    public String counters() {
        return plane.nft().countersJson();
    }

    public String ruleset() {
        return plane.nft().listTable();
    }
}
