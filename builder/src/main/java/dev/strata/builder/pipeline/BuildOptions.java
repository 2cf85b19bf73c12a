package dev.strata.builder.pipeline;

import java.nio.file.Path;
import java.util.Set;

/**
 * How to run one build.
 *
 * @param outputDir       where the finished bundle goes (replaced whole, atomically, at the end)
 * @param cacheDir        package cache and stage cache; reused by the next build
 * @param mirror          Debian mirror URL; null means the host's configured apt sources
 * @param sourceDateEpoch timestamp for every file and image; same inputs + same epoch = same bytes
 * @param onlyHypervisors build only these outputs' hypervisors (empty: all of the profile's)
 * @param useStageCache   reuse cached stage results whose inputs are unchanged
 * @param downloadRepository URL prefix written as each file's downloadurl in metadata.ini
 * @param keepWork        keep the work folder (slimmed root tree, partition images) after a build
 * @param layerJars       jars for the layer's {@code lib/}: the agent and the CLI with their dependencies
 * @param signingKey      private Ed25519 key that signs the layer; null: the cache folder's build key
 */
public record BuildOptions(Path outputDir, Path cacheDir, String mirror, long sourceDateEpoch,
                           Set<String> onlyHypervisors, boolean useStageCache, String downloadRepository,
                           boolean keepWork, java.util.List<Path> layerJars, Path signingKey) {

    public BuildOptions {
        onlyHypervisors = Set.copyOf(onlyHypervisors);
        layerJars = java.util.List.copyOf(layerJars);
    }

    public BuildOptions(Path outputDir, Path cacheDir, String mirror, long sourceDateEpoch, Set<String> onlyHypervisors,
                        boolean useStageCache, String downloadRepository, boolean keepWork) {
        this(outputDir, cacheDir, mirror, sourceDateEpoch, onlyHypervisors, useStageCache, downloadRepository, keepWork,
                java.util.List.of(), null);
    }

    public BuildOptions withLayer(java.util.List<Path> jars, Path key) {
        return new BuildOptions(outputDir, cacheDir, mirror, sourceDateEpoch, onlyHypervisors, useStageCache,
                downloadRepository, keepWork, jars, key);
    }

    /** SOURCE_DATE_EPOCH from the environment, else a fixed default so builds are reproducible by default. */
    public static long defaultEpoch() {
        String env = System.getenv("SOURCE_DATE_EPOCH");
        if (env != null && !env.isBlank()) {
            try {
                return Long.parseLong(env.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SOURCE_DATE_EPOCH must be a number of seconds, got '" + env + "'");
            }
        }
        return 1767225600L; // 2026-01-01T00:00:00Z
    }

    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("strata");
    }
}
