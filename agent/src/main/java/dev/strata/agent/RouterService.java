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
import dev.strata.agent.service.Checks;
import dev.strata.agent.service.Health;
import dev.strata.agent.service.Opening;
import dev.strata.agent.service.Plan;
import dev.strata.agent.service.Service;
import dev.strata.agent.store.Generation;
import dev.strata.agent.store.GenerationStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Transactions on the router's desired state. A change is validated, rendered, applied to the
 * kernel and only then committed to the journal as the next generation; any failure before the
 * commit leaves the kernel and the generation as they were. One change at a time.
 */
public final class RouterService {

    /** What the kernel holds: the generation applied, or why the last start-up apply failed. */
    public record Applied(long generation, String error) {
    }

    /** A transaction's result; for a dry run, what would be loaded and nothing else ({@code plans}: every changed service's). */
    public record Outcome(long generation, boolean changed, boolean dryRun, ConfigDiff diff, String nftScript,
                          List<String> ipCommands, Map<String, Long> timingsMs,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                          Map<String, Plan> plans) {
        public Outcome(long generation, boolean changed, boolean dryRun, ConfigDiff diff, String nftScript,
                       List<String> ipCommands, Map<String, Long> timingsMs) {
            this(generation, changed, dryRun, diff, nftScript, ipCommands, timingsMs, null);
        }

        /** The same outcome with the diff's counts only. */
        public Outcome countsOnly() {
            return new Outcome(generation, changed, dryRun, diff.counts(), nftScript, ipCommands, timingsMs, plans);
        }
    }

    private final GenerationStore store;
    private final DataPlane plane;
    private final Clock clock;
    private final RenderCache renderCache = new RenderCache();
    private final Validator.ValidParts validParts = new Validator.ValidParts();
    private volatile Generation current;
    private volatile Applied applied = new Applied(-1, "starting");
    /** Writes journal files while the kernel is programmed (one change at a time, so one thread). */
    private final ExecutorService journal = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "journal");
        t.setDaemon(true);
        return t;
    });

    /** The router's services in phase order (the kernel's nft and ip are applied first, by the data plane). */
    private final List<Service> services;
    /** The configuration the services were last brought to, and their plans: what "changed" is measured against. */
    private RouterConfig servicesConfig;
    private final Map<String, Plan> appliedPlans = new LinkedHashMap<>();

    public RouterService(GenerationStore store, DataPlane plane, Clock clock) {
        this(store, plane, clock, List.of());
    }

    public RouterService(GenerationStore store, DataPlane plane, Clock clock, List<Service> services) {
        this.store = store;
        this.plane = plane;
        this.clock = clock;
        this.current = store.latest();
        List<Service> sorted = new ArrayList<>(services);
        sorted.sort(java.util.Comparator.comparing(Service::phase)); // stable: registration order within a phase
        this.services = List.copyOf(sorted);
    }

    public List<Service> services() {
        return services;
    }

    /** Re-applies the last accepted generation (after a crash or reboot); health is ok only if it loaded. */
    public synchronized void start() {
        Generation g = store.latest();
        current = g;
        try {
            RouterConfig c = g.config();
            Validator.check(c);
            checkServices(c, services);
            plane.apply(c, NftRenderer.render(c, renderCache, openings(c)));
            Map<String, Plan> plans = plans(c, services);
            applyServices(services, plans);
            servicesConfig = c;
            applied = new Applied(g.generation(), null);
        } catch (ApplyException | InvalidConfigException e) {
            applied = new Applied(-1, "generation " + g.generation() + " could not be re-applied: " + e.getMessage());
        }
    }

    /** The services whose parts differ (by identity: unchanged parts keep theirs) between {@code a} and {@code b}; all when {@code a} is null. */
    private List<Service> changed(RouterConfig a, RouterConfig b) {
        if (a == null) {
            return services;
        }
        List<Service> out = new ArrayList<>();
        for (Service s : services) {
            for (ConfigPart p : s.parts()) {
                if (p.get(a) != p.get(b)) {
                    out.add(s);
                    break;
                }
            }
        }
        return out;
    }

    private static void checkServices(RouterConfig c, List<Service> which) {
        Checks checks = new Checks();
        for (Service s : which) {
            s.check(c, checks);
        }
        if (!checks.problems().isEmpty()) {
            throw new InvalidConfigException(checks.problems());
        }
    }

    private static Map<String, Plan> plans(RouterConfig c, List<Service> which) {
        Map<String, Plan> out = new LinkedHashMap<>();
        for (Service s : which) {
            out.put(s.name(), s.plan(c));
        }
        return out;
    }

    /** Every service's openings, sorted (the input chain's render cache compares them by value). */
    private List<Opening> openings(RouterConfig c) {
        List<Opening> out = new ArrayList<>();
        for (Service s : services) {
            out.addAll(s.openings(c));
        }
        out.sort(null);
        return List.copyOf(out);
    }

    /**
     * Applies the planned services in phase order; on a failure reverts the ones already applied
     * in reverse order (the failing one put itself back) and throws naming it.
     */
    private void applyServices(List<Service> which, Map<String, Plan> plans) {
        List<Service> done = new ArrayList<>();
        for (Service s : which) {
            try {
                s.apply(plans.get(s.name()), appliedPlans.get(s.name()));
            } catch (RuntimeException e) {
                for (int i = done.size() - 1; i >= 0; i--) {
                    try {
                        done.get(i).revert(appliedPlans.get(done.get(i).name()));
                    } catch (RuntimeException again) {
                        // reported through that service's health; the failure that matters is e
                    }
                }
                throw e instanceof ApplyException a ? a : new ApplyException("service " + s.name() + ": " + e.getMessage());
            }
            done.add(s);
        }
        appliedPlans.putAll(plans);
    }

    /** Each service's health, asked now. */
    public Map<String, Health> serviceHealth() {
        Map<String, Health> out = new LinkedHashMap<>();
        for (Service s : services) {
            try {
                out.put(s.name(), s.health());
            } catch (RuntimeException e) {
                out.put(s.name(), Health.degraded(e.getMessage()));
            }
        }
        return out;
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
        // A dry run leaves nothing behind: neither its parts as known-valid nor its rendering cached.
        Generation cur = current;
        Validator.check(next, dryRun ? validParts.copy() : validParts);
        // A service is checked when its parts differ from the desired or the applied configuration.
        List<Service> toCheck = changed(servicesConfig == null ? null : cur.config(), next);
        for (Service s : changed(servicesConfig, next)) {
            if (!toCheck.contains(s)) {
                toCheck = new ArrayList<>(toCheck);
                toCheck.add(s);
            }
        }
        checkServices(next, toCheck);
        t.lap("validate");
        Ruleset rendered = NftRenderer.render(next, dryRun ? renderCache.overlay() : renderCache, openings(next));
        List<Service> changedServices = changed(servicesConfig, next);
        Map<String, Plan> plans = plans(next, changedServices);
        t.lap("render");
        ConfigDiff diff = ConfigDiff.between(cur.config(), next);
        t.lap("diff");
        if (dryRun) {
            IpPlane.Plan plan = plane.ipPlanFor(next);
            List<String> ip = new ArrayList<>(plan.batch());
            plan.batch6().forEach(l -> ip.add("-6 " + l));
            return new Outcome(cur.generation(), !diff.isEmpty(), true, diff, plane.scriptFor(rendered), ip, t.laps, plans);
        }
        if (diff.isEmpty() && applied.generation() == cur.generation()) {
            return new Outcome(cur.generation(), false, false, diff, null, null, t.laps);
        }
        Generation g = new Generation(cur.generation() + 1, clock.instant(), operation, next);
        // The journal file is written and fsync'ed while nft and ip program the kernel (they are
        // other processes, so the disk wait overlaps theirs); it joins the journal by a rename
        // only once the kernel has taken the change.
        Future<GenerationStore.Prepared> journaled = journal.submit(() -> store.prepare(g));
        try {
            plane.apply(next, rendered, t::lap);
        } catch (RuntimeException | Error e) {
            discard(journaled);
            throw e;
        }
        try {
            applyServices(changedServices, plans);
        } catch (RuntimeException | Error e) {
            // The services put themselves back; the kernel goes back to the last accepted generation too.
            discard(journaled);
            putBack(cur, e);
            throw e;
        }
        t.lap("services");
        try {
            awaitPrepared(journaled).publish();
        } catch (RuntimeException | Error e) {
            // Not durable, so not accepted: put the kernel and the services back to the last accepted generation.
            putBack(cur, e);
            try {
                applyServices(changed(next, cur.config()), plans(cur.config(), changed(next, cur.config())));
                servicesConfig = cur.config();
            } catch (RuntimeException again) {
                // the kernel's put-back decides health; the service reports its own
            }
            throw e;
        }
        t.lap("commit");
        servicesConfig = next;
        current = g;
        applied = new Applied(g.generation(), null);
        return new Outcome(g.generation(), true, false, diff, null, null, t.laps);
    }

    private void putBack(Generation cur, Throwable why) {
        try {
            plane.apply(cur.config(), NftRenderer.render(cur.config(), renderCache, openings(cur.config())));
        } catch (RuntimeException | Error again) {
            // The kernel holds neither generation for sure: say so until a change or a restart applies one whole.
            applied = new Applied(-1, "generation " + (cur.generation() + 1) + " could not be committed (" + why.getMessage()
                    + ") and putting generation " + cur.generation() + " back failed: " + again.getMessage());
        }
    }

    private static GenerationStore.Prepared awaitPrepared(Future<GenerationStore.Prepared> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the journal", e);
        }
    }

    private static void discard(Future<GenerationStore.Prepared> f) {
        try {
            awaitPrepared(f).discard();
        } catch (RuntimeException | Error ignored) {
            // it was not written: nothing to throw away (prepare deletes its own leftovers)
        }
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

    public List<GenerationStore.Entry> history() {
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
