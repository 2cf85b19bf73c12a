package dev.strata.seeder.plan;

import dev.strata.seeder.bundle.Bundle;
import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.bundle.SystemVmHypervisor;
import dev.strata.seeder.db.CloudDatabase;
import dev.strata.seeder.db.HypervisorArch;
import dev.strata.seeder.db.Inventory;
import dev.strata.seeder.db.StoreRefRow;
import dev.strata.seeder.db.TemplateRow;
import dev.strata.seeder.db.Zone;
import dev.strata.seeder.store.ImageStore;
import dev.strata.seeder.store.TemplateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what to do, following SystemVmTemplateRegistration's rules: for every zone with an image
 * store, every NFS store in it and every (hypervisor, arch) its clusters use, the bundled template
 * must be registered and seeded (row in {@code template_store_ref} and {@code template.properties}
 * on the store); the router settings follow; hypervisors nobody uses only get their latest system
 * template's url, checksum and guest OS refreshed.
 */
public final class Planner {

    private final CloudDatabase db;
    private final Function<ImageStore, TemplateStore> stores;

    /** @param stores opens a store's template folder (mounting it); only called for NFS stores */
    public Planner(CloudDatabase db, Function<ImageStore, TemplateStore> stores) {
        this.db = db;
        this.stores = stores;
    }

    public SeedPlan plan(Bundle bundle, Inventory inv) {
        List<SeedPlan.Copy> copies = new ArrayList<>();
        List<SeedPlan.ObjectStoreTemplate> objectStores = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<HypervisorArch, Boolean> willBeRegistered = new LinkedHashMap<>();

        for (Zone zone : inv.zones()) {
            Set<HypervisorArch> used = inv.inUse().getOrDefault(zone.id(), Set.of());
            // A zone's own stores, and the region-wide ones (S3 and Swift are added with REGION
            // scope, data_center_id NULL: they serve every zone).
            List<ImageStore> zoneStores = inv.stores().stream()
                    .filter(s -> Long.valueOf(zone.id()).equals(s.zoneId()) || s.zoneId() == null).toList();
            if (used.isEmpty() || zoneStores.isEmpty()) {
                continue;
            }
            boolean hasNfs = zoneStores.stream().anyMatch(ImageStore::isNfs);
            for (ImageStore store : zoneStores) {
                if (store.readonly()) {
                    notes.add(store.label() + " is read-only: skipped, as the server skips it");
                    continue;
                }
                if (!store.isNfs() && !(store.isObjectStore() && !hasNfs)) {
                    continue;
                }
                for (HypervisorArch ha : used) {
                    Optional<BundledTemplate> t = bundle.find(ha.hypervisor(), ha.arch());
                    if (t.isEmpty()) {
                        notes.add("zone " + zone.name() + " uses " + ha + " but the bundle has no template for it");
                        continue;
                    }
                    BundledTemplate tpl = t.get();
                    Optional<TemplateRow> reg = db.registeredTemplate(tpl.name(), ha.hypervisor(), ha.arch(), tpl.downloadUrl());
                    willBeRegistered.put(ha, true);
                    if (store.isObjectStore()) {
                        if (reg.isEmpty() && objectStores.stream().noneMatch(o -> o.template() == tpl)) {
                            objectStores.add(new SeedPlan.ObjectStoreTemplate(tpl, store, null));
                        } else {
                            upToDate.add(tpl.name() + " registered for " + store.label() + " (the SSVM downloads it)");
                        }
                        continue;
                    }
                    if (reg.isPresent()) {
                        Optional<StoreRefRow> ref = db.storeRef(store.id(), reg.get().id());
                        if (ref.isPresent() && stores.apply(store).isSeeded(ref.get().installPath())) {
                            upToDate.add(tpl.name() + " (id " + reg.get().id() + ") on " + store.label());
                            continue;
                        }
                        copies.add(new SeedPlan.Copy(tpl, store, reg.get().id(), ref.isPresent()));
                    } else {
                        copies.add(new SeedPlan.Copy(tpl, store, null, false));
                    }
                }
            }
        }

        // Zone-level overrides (data_center_details) are an operator's per-zone choice, read with
        // valueIn(zoneId); the server's registration never touches them, and neither does the seeder.
        List<SeedPlan.SettingChange> settings = settings(bundle, inv, willBeRegistered.keySet());

        List<SeedPlan.MetadataRefresh> refreshes = new ArrayList<>();
        Set<HypervisorArch> usedAnywhere = inv.inUseAnywhere();
        for (BundledTemplate t : bundle.templates()) {
            if (usedAnywhere.contains(new HypervisorArch(t.hypervisor(), t.arch()))) {
                continue;
            }
            Optional<TemplateRow> latest = db.latestSystemTemplate(t.hypervisor(), t.arch());
            if (latest.isEmpty()) {
                continue;
            }
            long guestOs = db.guestOsId(t.guestOs()).orElse(latest.get().guestOsId());
            TemplateRow row = latest.get();
            if (!t.downloadUrl().equals(row.url()) || !t.databaseChecksum().equals(row.checksum())
                    || guestOs != row.guestOsId()) {
                refreshes.add(new SeedPlan.MetadataRefresh(t, row.id(), guestOs));
            }
        }
        return new SeedPlan(bundle.version(), inv.schemaVersion(), copies, objectStores, settings,
                refreshes, upToDate, notes);
    }

    /** router.template.&lt;hv&gt; and minreq.sysvmtemplate.version for every hypervisor that gets a template. */
    private static List<SeedPlan.SettingChange> settings(Bundle bundle, Inventory inv, Set<HypervisorArch> registered) {
        List<SeedPlan.SettingChange> out = new ArrayList<>();
        Map<SystemVmHypervisor, BundledTemplate> byHv = new LinkedHashMap<>();
        // One router.template value per hypervisor: with x86_64 and aarch64 KVM clusters, x86_64 wins
        // (deterministic; the server keeps whichever it registered last).
        registered.stream()
                .sorted(Comparator.comparing((HypervisorArch ha) -> !ha.arch().equals("x86_64")))
                .forEach(ha -> bundle.find(ha.hypervisor(), ha.arch())
                        .ifPresent(t -> byHv.putIfAbsent(ha.hypervisor(), t)));
        byHv.forEach((hv, t) -> {
            String name = hv.routerTemplateSetting();
            requireRow(inv, name);
            String current = inv.settings().get(name);
            if (!t.name().equals(current)) {
                out.add(new SeedPlan.SettingChange(name, current, t.name(), hv));
            }
        });
        if (!byHv.isEmpty()) {
            String want = minReqVersion(bundle.version());
            requireRow(inv, CloudDatabase.MIN_REQ_SETTING);
            String current = inv.settings().get(CloudDatabase.MIN_REQ_SETTING);
            if (!want.equals(current)) {
                out.add(new SeedPlan.SettingChange(CloudDatabase.MIN_REQ_SETTING, current, want, null));
            }
        }
        return out;
    }

    /**
     * The server fails its registration when a setting it updates has no row; found here, before
     * any file is read or copied, not after the copies.
     */
    private static void requireRow(Inventory inv, String name) {
        if (!inv.settings().containsKey(name)) {
            throw new dev.strata.seeder.SeedException(dev.strata.seeder.SeedException.Kind.SCHEMA, "configuration "
                    + "has no row '" + name + "' (the management server creates it at its first start): start the "
                    + "management server once, or insert the row, then run again; nothing was changed");
        }
    }

    /** {@code 4.22.0.0} -> {@code 4.22.0}: the server writes major.minor.patch (CS_MAJOR_VERSION.CS_TINY_VERSION). */
    public static String minReqVersion(String bundleVersion) {
        String[] p = bundleVersion.split("\\.");
        return p[0] + "." + p[1] + "." + p[2];
    }
}
