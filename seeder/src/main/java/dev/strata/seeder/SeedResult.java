package dev.strata.seeder;

import dev.strata.seeder.plan.SeedPlan;
import java.util.List;

/**
 * What a run did (printed by {@code strata seed}, as JSON with {@code --json}).
 *
 * @param status   {@code seeded}, {@code up-to-date}, {@code planned} (dry run) or {@code deferred}
 * @param message  one line for humans
 * @param plan     what was (or would be) done; null when deferred
 * @param seeded   one entry per template written to a store
 * @param recovered what was cleaned up or completed from an interrupted run
 * @param seconds  wall time of the run
 */
public record SeedResult(String status, String message, SeedPlan plan, List<SeededTemplate> seeded,
                         List<String> recovered, double seconds) {

    public SeedResult {
        seeded = List.copyOf(seeded);
        recovered = List.copyOf(recovered);
    }

    /** One template written to one store. */
    public record SeededTemplate(long templateId, String name, String hypervisor, String arch, long storeId,
                                 String installPath, long physicalSize, long virtualSize, long bundledBytes,
                                 double copySeconds) {
    }
}
