package dev.strata.seeder;

import dev.strata.seeder.bundle.Bundle;
import dev.strata.seeder.bundle.BundleReader;
import dev.strata.seeder.bundle.BundleVerifier;
import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.db.CloudDatabase;
import dev.strata.seeder.db.HypervisorArch;
import dev.strata.seeder.db.Inventory;
import dev.strata.seeder.db.RegistrationWriter;
import dev.strata.seeder.db.StoreRefRow;
import dev.strata.seeder.plan.Planner;
import dev.strata.seeder.plan.SeedPlan;
import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.ImageStore;
import dev.strata.seeder.store.Mounter;
import dev.strata.seeder.store.StoreMounts;
import dev.strata.seeder.store.TemplateStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
        Bundle bundle = BundleReader.read(options.bundleDir());
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
                List<String> recovered = options.dryRun() ? List.of() : recover(db, inv, open);
                SeedPlan plan = new Planner(db, open).plan(bundle, inv);
                if (options.dryRun()) {
                    return new SeedResult("planned", plan.nothingToDo() ? "nothing to do" : "dry run: nothing changed",
                            plan, List.of(), recovered, seconds(start));
                }
                if (plan.nothingToDo()) {
                    return new SeedResult("up-to-date", "nothing to do: every zone already has its templates", plan,
                            List.of(), recovered, seconds(start));
                }
                List<SeedResult.SeededTemplate> seeded = execute(db, bundle, plan, open);
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

    /**
     * Journals of interrupted runs: rows committed -> drop the journal; not committed -> remove the
     * published folder. Then staging folders go.
     */
    private List<String> recover(CloudDatabase db, Inventory inv,
                                 java.util.function.Function<ImageStore, TemplateStore> open) {
        List<String> done = new ArrayList<>();
        for (ImageStore s : inv.stores()) {
            if (!s.isNfs() || s.readonly() || s.zoneId() == null || !inv.inUse().containsKey(s.zoneId())) {
                continue;
            }
            TemplateStore store = open.apply(s);
            for (TemplateStore.Journal j : store.journals()) {
                Optional<StoreRefRow> ref = db.storeRef(s.id(), j.templateId());
                if (ref.isPresent() && ref.get().installPath().equals(j.installPath())) {
                    store.forget(j);
                    done.add("completed: template " + j.templateId() + " on " + s.label() + " was committed");
                } else {
                    store.rollBack(j);
                    done.add("cleaned up: template folder " + j.templateId() + " on " + s.label()
                            + " had no database rows");
                }
            }
            store.removeStaging().forEach(p -> done.add("cleaned up: interrupted copy " + p));
        }
        done.forEach(log);
        return done;
    }

    private List<SeedResult.SeededTemplate> execute(CloudDatabase db, Bundle bundle, SeedPlan plan,
                                                    java.util.function.Function<ImageStore, TemplateStore> open) {
        // 1. Every file this run reads, checked before anything is written.
        Set<BundledTemplate> toVerify = new LinkedHashSet<>();
        plan.copies().forEach(c -> toVerify.add(c.template()));
        plan.objectStores().forEach(o -> {
            if (Files.exists(o.template().file())) {
                toVerify.add(o.template());
            }
        });
        plan.refreshes().forEach(r -> {
            if (Files.exists(r.template().file())) {
                toVerify.add(r.template());
            }
        });
        log.accept("checking sha512 of " + toVerify.size() + " bundled file(s)");
        Map<java.nio.file.Path, Long> sourceCrcs = BundleVerifier.verify(List.copyOf(toVerify));

        // 2. Room on every store, before the first byte.
        Map<ImageStore, List<BundledTemplate>> perStore = new LinkedHashMap<>();
        plan.copies().forEach(c -> perStore.computeIfAbsent(c.store(), k -> new ArrayList<>()).add(c.template()));
        perStore.forEach((s, ts) -> open.apply(s).requireRoom(ts));

        // 3. Ids and uuids of new templates: one per (hypervisor, arch), shared by all stores.
        Map<HypervisorArch, RegistrationWriter.NewTemplate> fresh = new LinkedHashMap<>();
        long nextId = 0;
        for (SeedPlan.Copy c : plan.copies()) {
            if (c.templateId() == null) {
                HypervisorArch key = new HypervisorArch(c.template().hypervisor(), c.template().arch());
                if (!fresh.containsKey(key)) {
                    nextId = db.nextTemplateId(nextId + 1);
                    fresh.put(key, new RegistrationWriter.NewTemplate(nextId, UUID.randomUUID().toString(),
                            c.template(), guestOs(db, c.template()), null));
                }
            }
        }
        for (SeedPlan.ObjectStoreTemplate o : plan.objectStores()) {
            HypervisorArch key = new HypervisorArch(o.template().hypervisor(), o.template().arch());
            if (!fresh.containsKey(key)) {
                nextId = db.nextTemplateId(nextId + 1);
                fresh.put(key, new RegistrationWriter.NewTemplate(nextId, UUID.randomUUID().toString(), o.template(),
                        guestOs(db, o.template()), null));
            }
        }

        // 4. Files: staged, journaled, published, one store at a time.
        List<SeedResult.SeededTemplate> seeded = new ArrayList<>();
        List<RegistrationWriter.StoreEntry> entries = new ArrayList<>();
        Map<HypervisorArch, Long> sizes = new HashMap<>();
        List<Runnable> undo = new ArrayList<>();
        List<Runnable> forget = new ArrayList<>();
        try {
            for (SeedPlan.Copy c : plan.copies()) {
                HypervisorArch key = new HypervisorArch(c.template().hypervisor(), c.template().arch());
                RegistrationWriter.NewTemplate nt = fresh.get(key);
                long id = c.templateId() != null ? c.templateId() : nt.id();
                boolean firstCopyOfNew = nt != null && entries.stream().noneMatch(e -> e.templateId() == id);
                String fileUuid = firstCopyOfNew ? nt.uuid() : UUID.randomUUID().toString();
                TemplateStore store = open.apply(c.store());
                log.accept("copying " + c.template().name() + " to " + c.store().label() + " as template " + id);
                long t0 = System.nanoTime();
                TemplateStore.Staged staged = store.stage(c.template(), id, fileUuid,
                        sourceCrcs.get(c.template().file()));
                store.publish(staged, nt != null ? nt.uuid() : "existing-" + id);
                TemplateStore.Journal j = new TemplateStore.Journal(id, null, staged.installPath());
                undo.add(() -> store.rollBack(j));
                forget.add(() -> store.forget(j));
                entries.add(new RegistrationWriter.StoreEntry(id, c.store().id(), staged.installPath(),
                        c.template().downloadUrl(), staged.virtualSize(), staged.physicalSize(), c.storeRefExists()));
                sizes.put(key, staged.virtualSize());
                seeded.add(new SeedResult.SeededTemplate(id, c.template().name(), c.template().hypervisor().databaseName(),
                        c.template().arch(), c.store().id(), staged.installPath(), staged.physicalSize(),
                        staged.virtualSize(), c.template().file().toFile().length(), seconds(t0)));
            }

            // 5. Rows, in one transaction.
            List<RegistrationWriter.NewTemplate> newRows = fresh.entrySet().stream()
                    .map(e -> new RegistrationWriter.NewTemplate(e.getValue().id(), e.getValue().uuid(),
                            e.getValue().template(), e.getValue().guestOsId(), sizes.get(e.getKey())))
                    .toList();
            List<RegistrationWriter.ExistingTemplate> existing = new ArrayList<>();
            for (SeedPlan.Copy c : plan.copies()) {
                if (c.templateId() != null && existing.stream().noneMatch(e -> e.id() == c.templateId())) {
                    existing.add(new RegistrationWriter.ExistingTemplate(c.templateId(), guestOs(db, c.template()),
                            sizes.get(new HypervisorArch(c.template().hypervisor(), c.template().arch()))));
                }
            }
            List<Long> zoneRefs = new ArrayList<>();
            newRows.forEach(n -> zoneRefs.add(n.id()));
            existing.forEach(e -> zoneRefs.add(e.id()));
            Map<String, Long> systemVmTemplate = new HashMap<>();
            for (SeedPlan.SettingChange s : plan.settings()) {
                if (s.moveSystemVmsOf() == null) {
                    continue;
                }
                Long id = newRows.stream().filter(n -> n.template().name().equals(s.to())).map(RegistrationWriter.NewTemplate::id)
                        .findFirst().orElseGet(() -> plan.copies().stream()
                                .filter(c -> c.template().name().equals(s.to()) && c.templateId() != null)
                                .map(SeedPlan.Copy::templateId).findFirst()
                                .orElseGet(() -> bundle.templates().stream().filter(t -> t.name().equals(s.to()))
                                        .findFirst().flatMap(t -> db.registeredTemplate(t.name(), t.hypervisor(),
                                                t.arch(), t.downloadUrl())).map(r -> r.id()).orElse(null)));
                if (id != null) {
                    systemVmTemplate.put(s.moveSystemVmsOf().databaseName(), id);
                }
            }
            new RegistrationWriter(db, hooks).write(new RegistrationWriter.Rows(newRows, existing, zoneRefs, entries,
                    plan.settings(), plan.zoneOverrides(), plan.refreshes(), systemVmTemplate));
        } catch (RuntimeException e) {
            for (Runnable r : undo) {
                try {
                    r.run();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed); // the journal stays; the next run removes the folder
                }
            }
            throw e;
        }
        forget.forEach(Runnable::run);
        return seeded;
    }

    /** guest_os id: the metadata's guest OS name if the database knows it, else the server's fixed id. */
    private static long guestOs(CloudDatabase db, BundledTemplate t) {
        return db.guestOsId(t.guestOs()).orElse(t.hypervisor().fallbackGuestOsId());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
