package dev.strata.seeder.db;

/** The {@code vm_template} columns the seeder compares and updates. */
public record TemplateRow(long id, String uuid, String name, String type, String url, String checksum, long guestOsId,
                          String state) {
}
