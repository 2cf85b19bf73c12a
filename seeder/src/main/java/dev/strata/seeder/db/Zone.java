package dev.strata.seeder.db;

/** A row of {@code data_center} (not removed). */
public record Zone(long id, String name) {
}
