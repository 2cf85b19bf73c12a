package dev.strata.seeder.db;

/** A {@code template_store_ref} row: where a template lives on an image store. */
public record StoreRefRow(long id, long storeId, long templateId, String installPath, String state) {
}
