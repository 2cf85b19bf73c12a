package dev.strata.seeder;

import dev.strata.seeder.bundle.Bundle;
import dev.strata.seeder.bundle.BundleVerifier;
import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.db.CloudDatabase;
import dev.strata.seeder.db.HypervisorArch;
import dev.strata.seeder.db.RegistrationWriter;
import dev.strata.seeder.plan.SeedPlan;
import dev.strata.seeder.store.ImageStore;
import dev.strata.seeder.store.TemplateStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.function.Function;

/**
 * Carries out a plan: verify every file it reads, check room, give new templates their ids,
 * put the files on the stores (staged, journaled, published), then write every row in one
 * transaction. If anything fails after a folder was published, this run's folders are removed.
 */
final class PlanExecutor {

    private final CloudDatabase db;
    private final Bundle bundle;
    private final SeedHooks hooks;
    private final Consumer<String> log;
    private final Function<ImageStore, TemplateStore> open;

    /** What one copy produced: its store row, its report line, and its staged folder on that store. */
    private record Copied(RegistrationWriter.StoreEntry entry, SeedResult.SeededTemplate report, TemplateStore store,
                          TemplateStore.Staged staged) {
    }

    PlanExecutor(CloudDatabase db, Bundle bundle, SeedHooks hooks, Consumer<String> log,
                 Function<ImageStore, TemplateStore> open) {
        this.db = db;
        this.bundle = bundle;
        this.hooks = hooks;
        this.log = log;
        this.open = open;
    }

    List<SeedResult.SeededTemplate> execute(SeedPlan plan) {
        // Stores first (writable, room): a read-only or full store is found before the bundle's
        // sha512 pass and before any copy.
        checkRoom(plan);
        Map<Path, Long> sourceCrcs = verifyBundle(plan);
        Map<HypervisorArch, RegistrationWriter.NewTemplate> fresh = newTemplates(plan);
        List<Copied> copied = new ArrayList<>();
        boolean committed = false;
        try {
            Map<BundledTemplate, TemplateStore.Staged> unpackedOnce = new HashMap<>();
            for (SeedPlan.Copy c : plan.copies()) {
                Copied one = copy(c, fresh.get(key(c.template())), sourceCrcs.get(c.template().file()), copied,
                        unpackedOnce.get(c.template()));
                unpackedOnce.putIfAbsent(c.template(), one.staged());
                copied.add(one);
            }
            new RegistrationWriter(db, hooks).write(rows(plan, fresh, copied));
            committed = true;
            for (Copied c : copied) {
                c.store().publish(c.staged()); // a kill from here on is completed by the next run's recovery
            }
        } catch (RuntimeException e) {
            if (!committed) {
                for (Copied c : copied) {
                    try {
                        c.store().discard(c.staged());
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed); // the journal stays; the next run removes the staging folder
                    }
                }
            }
            throw e;
        }
        return copied.stream().map(Copied::report).toList();
    }

    /** Every file this run reads, checked before anything is written; CRC32C of each for later. */
    private Map<Path, Long> verifyBundle(SeedPlan plan) {
        Set<BundledTemplate> toVerify = new LinkedHashSet<>();
        plan.copies().forEach(c -> toVerify.add(c.template()));
        plan.objectStores().stream().map(SeedPlan.ObjectStoreTemplate::template)
                .filter(t -> Files.exists(t.file())).forEach(toVerify::add);
        plan.refreshes().stream().map(SeedPlan.MetadataRefresh::template)
                .filter(t -> Files.exists(t.file())).forEach(toVerify::add);
        log.accept("checking sha512 of " + toVerify.size() + " bundled file(s)");
        return BundleVerifier.verify(List.copyOf(toVerify));
    }

    /** Room on every store, before the first byte. */
    private void checkRoom(SeedPlan plan) {
        Map<ImageStore, List<BundledTemplate>> perStore = new LinkedHashMap<>();
        plan.copies().forEach(c -> perStore.computeIfAbsent(c.store(), k -> new ArrayList<>()).add(c.template()));
        perStore.forEach((s, ts) -> open.apply(s).requireRoom(ts));
    }

    /** Ids and uuids of templates not yet in the database: one per (hypervisor, arch), shared by all stores. */
    private Map<HypervisorArch, RegistrationWriter.NewTemplate> newTemplates(SeedPlan plan) {
        List<BundledTemplate> needed = new ArrayList<>();
        plan.copies().stream().filter(c -> c.templateId() == null).forEach(c -> needed.add(c.template()));
        plan.objectStores().forEach(o -> needed.add(o.template()));
        Map<HypervisorArch, RegistrationWriter.NewTemplate> fresh = new LinkedHashMap<>();
        long nextId = 0;
        for (BundledTemplate t : needed) {
            if (!fresh.containsKey(key(t))) {
                nextId = db.nextTemplateId(nextId + 1);
                fresh.put(key(t), new RegistrationWriter.NewTemplate(nextId, UUID.randomUUID().toString(), t,
                        guestOs(t), null));
            }
        }
        return fresh;
    }

    /** One template onto one store: staged and journaled under a staging name; published after commit. */
    private Copied copy(SeedPlan.Copy c, RegistrationWriter.NewTemplate fresh, long sourceCrc, List<Copied> before,
                        TemplateStore.Staged unpacked) {
        long id = c.templateId() != null ? c.templateId() : fresh.id();
        // The first store's file is named after the template's uuid, as the server names it.
        boolean firstCopyOfNew = fresh != null && before.stream().noneMatch(b -> b.entry().templateId() == id);
        String fileUuid = firstCopyOfNew ? fresh.uuid() : UUID.randomUUID().toString();
        TemplateStore store = open.apply(c.store());
        log.accept("copying " + c.template().name() + " to " + c.store().label() + " as template " + id
                + (unpacked != null ? " (from the copy unpacked on the first store)" : ""));
        long t0 = System.nanoTime();
        TemplateStore.Staged staged = store.stage(c.template(), id, fileUuid, sourceCrc,
                c.template().packing() == BundledTemplate.Packing.PLAIN ? null : unpacked);
        store.journal(staged, fresh != null ? fresh.uuid() : "existing-" + id);
        BundledTemplate t = c.template();
        return new Copied(
                new RegistrationWriter.StoreEntry(id, c.store().id(), staged.installPath(), t.downloadUrl(),
                        staged.virtualSize(), staged.physicalSize(), c.storeRefExists()),
                new SeedResult.SeededTemplate(id, t.name(), t.hypervisor().databaseName(), t.arch(), c.store().id(),
                        staged.installPath(), staged.physicalSize(), staged.virtualSize(), t.file().toFile().length(),
                        (System.nanoTime() - t0) / 1e9),
                store, staged);
    }

    private RegistrationWriter.Rows rows(SeedPlan plan, Map<HypervisorArch, RegistrationWriter.NewTemplate> fresh,
                                         List<Copied> copied) {
        Map<Long, Long> sizeOf = new HashMap<>();
        copied.forEach(c -> sizeOf.put(c.entry().templateId(), c.entry().size()));
        List<RegistrationWriter.NewTemplate> newRows = fresh.values().stream()
                .map(n -> new RegistrationWriter.NewTemplate(n.id(), n.uuid(), n.template(), n.guestOsId(),
                        sizeOf.get(n.id())))
                .toList();
        List<RegistrationWriter.ExistingTemplate> existing = new ArrayList<>();
        for (SeedPlan.Copy c : plan.copies()) {
            if (c.templateId() != null && existing.stream().noneMatch(e -> e.id() == c.templateId())) {
                existing.add(new RegistrationWriter.ExistingTemplate(c.templateId(), guestOs(c.template()),
                        sizeOf.get(c.templateId())));
            }
        }
        List<Long> zoneRefs = new ArrayList<>();
        newRows.forEach(n -> zoneRefs.add(n.id()));
        existing.forEach(e -> zoneRefs.add(e.id()));
        return new RegistrationWriter.Rows(newRows, existing, zoneRefs, copied.stream().map(Copied::entry).toList(),
                plan.settings(), plan.refreshes(), systemVmMoves(plan, fresh));
    }

    /**
     * Every (hypervisor, arch) that gets a template registered or seeded in this run: its system
     * VMs move to it, whether or not router.template.&lt;hv&gt; changed (the server calls
     * updateSystemVMEntries on each registration); each VM only to a template of its own arch.
     */
    private List<RegistrationWriter.SystemVmMove> systemVmMoves(SeedPlan plan,
                                                                Map<HypervisorArch, RegistrationWriter.NewTemplate> fresh) {
        Map<HypervisorArch, Long> target = new LinkedHashMap<>();
        for (SeedPlan.Copy c : plan.copies()) {
            HypervisorArch k = key(c.template());
            target.putIfAbsent(k, c.templateId() != null ? c.templateId() : fresh.get(k).id());
        }
        for (SeedPlan.ObjectStoreTemplate o : plan.objectStores()) {
            HypervisorArch k = key(o.template());
            target.putIfAbsent(k, fresh.get(k).id());
        }
        List<RegistrationWriter.SystemVmMove> out = new ArrayList<>();
        target.forEach((k, id) -> out.add(new RegistrationWriter.SystemVmMove(k.hypervisor().databaseName(), k.arch(), id)));
        return out;
    }

    /** guest_os id: the metadata's guest OS name if the database knows it, else the server's fixed id. */
    private long guestOs(BundledTemplate t) {
        return db.guestOsId(t.guestOs()).orElse(t.hypervisor().fallbackGuestOsId());
    }

    private static HypervisorArch key(BundledTemplate t) {
        return new HypervisorArch(t.hypervisor(), t.arch());
    }
}
