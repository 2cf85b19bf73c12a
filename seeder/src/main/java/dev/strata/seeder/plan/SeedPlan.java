package dev.strata.seeder.plan;

import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.bundle.SystemVmHypervisor;
import dev.strata.seeder.store.ImageStore;
import java.util.List;

/**
 * Everything a run would change, computed under the lock from the database and the stores;
 * {@code --dry-run} prints it and stops.
 *
 * @param bundleVersion  {@code [default] version} of the bundle
 * @param schemaVersion  the database's schema version
 * @param copies         templates to put on NFS stores (and register there)
 * @param objectStores   templates the SSVM will download into S3/Swift stores (rows only)
 * @param settings       configuration rows to move to the new templates
 * @param refreshes      hypervisors not in use: url, checksum and guest OS of their latest system template
 * @param upToDate       what is already seeded (for the report)
 * @param notes          things the operator should know (missing bundle sections, read-only stores, ...)
 */
public record SeedPlan(String bundleVersion, String schemaVersion, List<Copy> copies, List<ObjectStoreTemplate> objectStores,
                       List<SettingChange> settings, List<MetadataRefresh> refreshes,
                       List<String> upToDate, List<String> notes) {

    public SeedPlan {
        copies = List.copyOf(copies);
        objectStores = List.copyOf(objectStores);
        settings = List.copyOf(settings);
        refreshes = List.copyOf(refreshes);
        upToDate = List.copyOf(upToDate);
        notes = List.copyOf(notes);
    }

    /** A template to copy to a store. {@code templateId} is null for a template not yet in the database. */
    public record Copy(BundledTemplate template, ImageStore store, Long templateId, boolean storeRefExists) {
    }

    /** A template to register for an S3/Swift store's zone, which the SSVM downloads from its URL. */
    public record ObjectStoreTemplate(BundledTemplate template, ImageStore store, Long templateId) {
    }

    /** A {@code configuration} row and the value it gets (router.template.&lt;hv&gt;, minreq.sysvmtemplate.version). */
    public record SettingChange(String name, String from, String to, SystemVmHypervisor hypervisor) {
    }

    /** {@code vm_template} metadata of a hypervisor not in use, brought up to the bundle. */
    public record MetadataRefresh(BundledTemplate template, long templateId, long guestOsId) {
    }

    public boolean nothingToDo() {
        return copies.isEmpty() && objectStores.isEmpty() && settings.isEmpty() && refreshes.isEmpty();
    }
}
