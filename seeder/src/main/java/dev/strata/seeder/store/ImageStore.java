package dev.strata.seeder.store;

/**
 * A row of {@code image_store} (role Image, not removed).
 *
 * @param id         {@code id}
 * @param name       {@code name}
 * @param zoneId     {@code data_center_id} (null for region-wide object stores)
 * @param url        {@code url}, e.g. {@code nfs://10.0.0.5/export/secondary}
 * @param protocol   {@code protocol}: {@code nfs}, {@code https}, ...
 * @param provider   {@code image_provider_name}: {@code NFS}, {@code S3}, {@code Swift}
 * @param readonly   {@code readonly}: the server places nothing new on such a store
 * @param nfsVersion {@code secstorage.nfs.version} from {@code image_store_details}, else the global setting, else null
 */
public record ImageStore(long id, String name, Long zoneId, String url, String protocol, String provider,
                         boolean readonly, String nfsVersion) {

    /** Seeded with files (the server's rule: protocol {@code nfs}). */
    public boolean isNfs() {
        return "nfs".equalsIgnoreCase(protocol);
    }

    /** S3 or Swift: the SSVM downloads the template from {@code vm_template.url} itself. */
    public boolean isObjectStore() {
        return "S3".equalsIgnoreCase(provider) || "Swift".equalsIgnoreCase(provider);
    }

    public String label() {
        return "store " + id + " (" + name + ", " + url + ")";
    }
}
