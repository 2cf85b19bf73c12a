package dev.strata.builder.profile;

import java.util.List;
import java.util.Map;

/**
 * The {@code /router/<version>} layer: what changes with a release (the agent, its Java
 * runtime, scripts, default configuration).
 *
 * @param name                 layer name, e.g. {@code router}
 * @param version              layer version (defaults to the profile's version)
 * @param minRootVersion       oldest root image version the layer runs on (defaults to the profile's)
 * @param javaModules          JDK modules of the layer's runtime, made with jlink; empty: no runtime
 * @param entryPoint           command that starts the layer's main service, relative to the layer root
 * @param healthCheck          command that exits 0 when the layer works, relative to the layer root
 * @param healthTimeoutSeconds how long after activation the health check has to pass
 * @param services             systemd unit -> the layer paths it reads (restarted when they change)
 * @param files                files placed in the layer, targets relative to the layer's root
 */
public record Layer(String name, String version, String minRootVersion, List<String> javaModules, String entryPoint,
                    String healthCheck, int healthTimeoutSeconds, Map<String, List<String>> services,
                    List<FileEntry> files) {

    public Layer {
        javaModules = List.copyOf(javaModules);
        services = Map.copyOf(services);
        files = List.copyOf(files);
    }

    /** The same layer under another version (a rebuild for a live upgrade, a test's second version). */
    public Layer withVersion(String newVersion) {
        return new Layer(name, newVersion, minRootVersion, javaModules, entryPoint, healthCheck, healthTimeoutSeconds,
                services, files);
    }

    /** The same layer judged by another health check (with the files it needs). */
    public Layer withHealthCheck(String command, int timeoutSeconds, List<FileEntry> extraFiles) {
        List<FileEntry> all = new java.util.ArrayList<>(files);
        all.addAll(extraFiles);
        return new Layer(name, version, minRootVersion, javaModules, entryPoint, command, timeoutSeconds,
                services, all);
    }
}
