package dev.strata.seeder.db;

import dev.strata.seeder.store.ImageStore;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the database says about the cloud, read once under the lock.
 *
 * @param schemaVersion newest completed entry of {@code version}
 * @param zones         zones (not removed)
 * @param stores        image stores with role Image (not removed)
 * @param inUse         zone id -> (hypervisor, arch) of its clusters (External excluded)
 * @param settings      current values of the {@code configuration} rows the seeder may move
 */
public record Inventory(String schemaVersion, List<Zone> zones, List<ImageStore> stores,
                        Map<Long, Set<HypervisorArch>> inUse, Map<String, String> settings) {

    public Inventory {
        zones = List.copyOf(zones);
        stores = List.copyOf(stores);
        inUse = Map.copyOf(inUse);
        settings = Map.copyOf(settings);
    }

    public Set<HypervisorArch> inUseAnywhere() {
        return inUse.values().stream().flatMap(Set::stream).collect(java.util.stream.Collectors.toSet());
    }
}
