package dev.strata.seeder;

import dev.strata.seeder.config.DbSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to run.
 *
 * @param bundleDir          folder with metadata.ini and the templates
 * @param db                 database settings
 * @param mounted            store id or URL -> folder where that store is already mounted
 * @param mountParent        where temporary NFS mount points go
 * @param dryRun             plan only, change nothing (and take no lock)
 * @param lockTimeoutSeconds how long to wait for the upgrade lock (the server waits 1200 s)
 * @param deferOlderSchema   a schema older than the seeder can write is "nothing to do" (exit 0), for package scripts
 * @param serverProperties   the management server's server.properties, for its download mirror; null: none
 */
public record SeedOptions(Path bundleDir, DbSettings db, Map<String, Path> mounted, Path mountParent, boolean dryRun,
                          int lockTimeoutSeconds, boolean deferOlderSchema, Path serverProperties) {

    /** Without server.properties: the bundle's URLs are written as they are. */
    public SeedOptions(Path bundleDir, DbSettings db, Map<String, Path> mounted, Path mountParent, boolean dryRun,
                       int lockTimeoutSeconds, boolean deferOlderSchema) {
        this(bundleDir, db, mounted, mountParent, dryRun, lockTimeoutSeconds, deferOlderSchema, null);
    }

    public SeedOptions {
        Objects.requireNonNull(bundleDir, "bundleDir");
        Objects.requireNonNull(db, "db");
        mounted = Map.copyOf(mounted);
        Objects.requireNonNull(mountParent, "mountParent");
        if (lockTimeoutSeconds < 0) {
            throw new SeedException(SeedException.Kind.CONFIG, "lock timeout must be 0 or more seconds");
        }
    }
}
