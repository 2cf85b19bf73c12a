package dev.strata.seeder;

import dev.strata.seeder.bundle.Bundle;
import dev.strata.seeder.bundle.BundleReader;
import dev.strata.seeder.config.ServerProperties;
import dev.strata.seeder.db.CloudDatabase;
import dev.strata.seeder.db.Inventory;
import dev.strata.seeder.plan.Planner;
import dev.strata.seeder.plan.SeedPlan;
import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.ImageStore;
import dev.strata.seeder.store.Mounter;
import dev.strata.seeder.store.StoreMounts;
import dev.strata.seeder.store.TemplateStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One seeding run: read the bundle, connect, check the schema, take the upgrade lock, finish or
 * undo what an interrupted run left, plan, verify the bundle, write the files, write the rows,
 * release. Every failure is one {@link SeedException}.
 */
public final class Seeder {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final SeedOptions options;
    private final Mounter mounter;
    private final SeedHooks hooks;
    private final CopyProgress progress;
    private final Consumer<String> log;

    public Seeder(SeedOptions options, Mounter mounter, SeedHooks hooks, CopyProgress progress, Consumer<String> log) {
        this.options = options;
        this.mounter = mounter;
        this.hooks = hooks;
        this.progress = progress;
        this.log = log;
    }

    public SeedResult run() {
        long start = System.nanoTime();
        Bundle bundle = BundleReader.read(options.bundleDir(),
                ServerProperties.downloadRepository(options.serverProperties()), String.valueOf(options.serverProperties()));
        try (CloudDatabase db = CloudDatabase.connect(options.db(), CONNECT_TIMEOUT_MILLIS)) {
            String schema = db.schemaVersion();
            Optional<String> tooOld = tooOld(db, schema);
            if (tooOld.isPresent()) {
                if (options.deferOlderSchema()) {
                    return new SeedResult("deferred", tooOld.get() + "; nothing to do now: the management server "
                            + "upgrades the schema at its next start and registers the templates from this same "
                            + "bundle", null, List.of(), List.of(), seconds(start));
                }
                throw new SeedException(SeedException.Kind.SCHEMA, tooOld.get() + ": start the management server "
                        + "once so it upgrades the schema, then run again (package scripts pass --defer-older-schema)");
            }
            if (SchemaVersions.compare(schema, bundle.version()) > 0) {
                throw new SeedException(SeedException.Kind.SCHEMA, "the database schema is " + schema
                        + ", newer than this bundle (" + bundle.version() + "): seeding it would move system VMs "
                        + "back to older templates; use the bundle of the installed management server");
            }
            if (!options.dryRun()) {
                log.accept("waiting for the database lock " + CloudDatabase.UPGRADE_LOCK + " (up to "
                        + options.lockTimeoutSeconds() + " s)");
                if (!db.lock(options.lockTimeoutSeconds())) {
                    throw new SeedException(SeedException.Kind.LOCKED, CloudDatabase.UPGRADE_LOCK + " is held by "
                            + "another seeder or a starting management server for more than "
                            + options.lockTimeoutSeconds() + " s; run again when it is done");
                }
            }
            try (StoreMounts mounts = new StoreMounts(options.mounted(), mounter, options.mountParent())) {
                Map<Long, TemplateStore> stores = new HashMap<>();
                java.util.function.Function<ImageStore, TemplateStore> open = s -> stores.computeIfAbsent(s.id(),
                        id -> new TemplateStore(mounts.root(s), s.label(), hooks, progress));
                Inventory inv = db.inventory(schema);
                List<String> recovered = options.dryRun() ? List.of() : Recovery.run(db, inv, open, log);
                SeedPlan plan = new Planner(db, open).plan(bundle, inv);
                if (options.dryRun()) {
                    return new SeedResult("planned", plan.nothingToDo() ? "nothing to do" : "dry run: nothing changed",
                            plan, List.of(), recovered, seconds(start));
                }
                if (plan.nothingToDo()) {
                    return new SeedResult("up-to-date", "nothing to do: every zone already has its templates", plan,
                            List.of(), recovered, seconds(start));
                }
                List<SeedResult.SeededTemplate> seeded = new PlanExecutor(db, bundle, hooks, log, open).execute(plan);
                return new SeedResult("seeded", "seeded " + seeded.size() + " template(s)", plan, seeded,
                        recovered, seconds(start));
            } finally {
                if (!options.dryRun()) {
                    db.unlock();
                }
            }
        }
    }

    private static Optional<String> tooOld(CloudDatabase db, String schema) {
        List<String> missing = db.missingColumns();
        if (SchemaVersions.compare(schema, SchemaVersions.OLDEST_SEEDABLE) < 0 || !missing.isEmpty()) {
            return Optional.of("the database schema is " + schema + (missing.isEmpty() ? "" : " (lacks "
                    + String.join(", ", missing) + ")") + ", older than " + SchemaVersions.OLDEST_SEEDABLE
                    + ", the first release whose tables the seeder can fill");
        }
        return Optional.empty();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
