package dev.strata.seeder;

import dev.strata.seeder.config.DbSettings;
import dev.strata.seeder.store.CopyProgress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The seeder in a separate JVM, so a test can kill it with SIGKILL at a chosen step: at that step
 * it prints {@code PAUSED <step>} and waits to be killed.
 *
 * <p>Arguments: bundle host port user password database pauseStep|- store=dir...
 */
public final class SeedChild {

    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        DbSettings db = new DbSettings(args[1], Integer.parseInt(args[2]), args[3], args[4], args[5]);
        SeedHooks.Step pauseAt = args[6].equals("-") ? null : SeedHooks.Step.valueOf(args[6]);
        Map<String, Path> mounted = new HashMap<>();
        for (int i = 7; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            mounted.put(kv[0], Path.of(kv[1]));
        }
        SeedHooks hooks = (step, detail) -> {
            if (step == pauseAt) {
                System.out.println("PAUSED " + step);
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(3); // never reached when the test kills us
            }
        };
        try {
            SeedResult r = new Seeder(new SeedOptions(bundle, db, mounted, Path.of(System.getProperty("java.io.tmpdir")),
                    false, 30, false), SeedEnv.NO_MOUNTS, hooks, CopyProgress.NONE, System.err::println).run();
            System.out.println("DONE " + r.status());
        } catch (SeedException e) {
            System.out.println("ERROR " + e.kind() + " " + e.getMessage());
            System.exit(e.kind().exitCode());
        }
    }
}
