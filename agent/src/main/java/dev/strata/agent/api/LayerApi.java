package dev.strata.agent.api;

import dev.strata.agent.model.Problem;
import dev.strata.layout.HealthGate;
import dev.strata.layout.LayerException;
import dev.strata.layout.LayerKeys;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerStore;
import dev.strata.layout.SystemdServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /v1/layers}: the layer operations of {@code strata layer}, over the agent's API, for a
 * management server that copied a layer file into the VM. Install runs here (verify, stage,
 * rename). Activation restarts this very agent, so it cannot answer for it: it is started as a
 * transient systemd unit running the active layer's CLI ({@code strata layer activate --live}),
 * and the caller follows it on {@code GET /v1/layers} (the health gate's last check).
 */
public final class LayerApi {

    /** Starts a live switch to a version, in the background. */
    @FunctionalInterface
    public interface Switch {
        void start(String version) throws IOException;
    }

    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");

    private final Path routerDir;
    private final Path trustedKeys;
    private final Path rootRelease;
    private final Switch liveSwitch;

    public LayerApi(Path routerDir, Path trustedKeys, Path rootRelease, Switch liveSwitch) {
        this.routerDir = routerDir;
        this.trustedKeys = trustedKeys;
        this.rootRelease = rootRelease;
        this.liveSwitch = liveSwitch;
        removeLeftovers();
    }

    /**
     * At the agent's start: what a killed layer operation left (a staging folder of ~65 MB) is
     * removed, as every layer operation does before it starts. Another operation running now
     * holds the lock and will do it itself.
     */
    private void removeLeftovers() {
        if (!Files.isDirectory(routerDir)) {
            return;
        }
        try {
            new LayerStore(routerDir, List.of(), LayerStore.StepHook.NONE).removeLeftoversNow();
        } catch (LayerException | java.io.UncheckedIOException e) {
            System.err.println("strata-agent: layer leftovers not removed: " + e.getMessage());
        }
    }

    /** The real switch: {@code systemd-run} a transient unit that outlives this agent's restart. */
    public static Switch systemdSwitch(Path routerDir, Path trustedKeys) {
        return version -> {
            List<String> cmd = List.of("systemd-run", "--unit=strata-layer-activate-" + version.replace('+', '_'),
                    "--collect", "--no-block", "--property=Type=oneshot",
                    routerDir.resolve("latest/bin/strata").toString(), "layer", "activate", version, "--live",
                    "--router-dir", routerDir.toString(), "--trusted-keys", trustedKeys.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            try {
                if (p.waitFor() != 0) {
                    throw new IOException("systemd-run failed: " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the switch", e);
            }
        };
    }

    private LayerStore store() {
        return new LayerStore(routerDir, LayerKeys.readTrusted(trustedKeys), LayerStore.StepHook.NONE,
                SystemdServices.rootVersion(rootRelease));
    }

    Map<String, Object> list() {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layers", Files.isDirectory(routerDir) ? store().list() : List.of());
            m.put("lastCheck", HealthGate.read(routerDir));
            return m;
        } catch (LayerException e) {
            throw new ApiHandler.BadRequest(409, e.getMessage());
        }
    }

    Map<String, Object> install(String file) {
        if (file == null || !file.startsWith("/") || List.of(file.split("/")).contains("..")) {
            throw new ApiHandler.BadRequest(400, "invalid request", List.of(new Problem("file", file,
                    "expected the absolute path of a layer file (or block device) inside the system VM")));
        }
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new ApiHandler.BadRequest(400, "invalid request", List.of(new Problem("file", file, "no such file")));
        }
        try {
            LayerManifest m = store().install(path);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("installed", m.version());
            r.put("name", m.name());
            r.put("contentSha256", m.contentSha256());
            r.put("minRootVersion", m.minRootVersion());
            return r;
        } catch (LayerException e) {
            throw new ApiHandler.BadRequest(409, e.getMessage());
        }
    }

    /** One installed layer's manifest (what {@code strata layer inspect} shows). */
    Map<String, Object> inspect(String version) {
        requireVersion(version);
        try {
            LayerManifest m = store().manifest(version);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", m.name());
            r.put("version", m.version());
            r.put("created", m.created().toString());
            r.put("contentSha256", m.contentSha256());
            r.put("inputsSha256", m.inputsSha256());
            r.put("minRootVersion", m.minRootVersion());
            r.put("entryPoint", m.entryPoint());
            r.put("healthCheck", m.healthCheck());
            r.put("healthTimeoutSeconds", m.healthTimeoutSeconds());
            return r;
        } catch (LayerException e) {
            throw new ApiHandler.BadRequest(404, e.getMessage());
        }
    }

    /** Back to the known-good layer, live (the same transient unit as an activation). */
    Map<String, Object> rollback() {
        String good = store().target(LayerStore.KNOWN_GOOD)
                .orElseThrow(() -> new ApiHandler.BadRequest(409, "no known-good layer to roll back to"));
        if (good.equals(store().target(LayerStore.LATEST).orElse(""))) {
            throw new ApiHandler.BadRequest(409, "the known-good layer " + good + " is already active");
        }
        return activate(good);
    }

    /** Removes installed layers beyond the newest {@code keep}, never one a pointer names. */
    Map<String, Object> gc(int keep) {
        try {
            return Map.of("removed", store().gc(keep));
        } catch (LayerException e) {
            throw new ApiHandler.BadRequest(409, e.getMessage());
        }
    }

    private static void requireVersion(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new ApiHandler.BadRequest(400, "invalid request", List.of(new Problem("version", version,
                    "1-64 of [0-9A-Za-z._+-]")));
        }
    }

    Map<String, Object> activate(String version) {
        requireVersion(version);
        if (store().list().stream().noneMatch(i -> i.version().equals(version))) {
            throw new ApiHandler.BadRequest(404, "layer " + version + " is not installed (POST /v1/layers first)");
        }
        try {
            liveSwitch.start(version);
        } catch (IOException e) {
            throw new ApiHandler.BadRequest(500, "cannot start the switch to " + version + ": " + e.getMessage());
        }
        return Map.of("switching", version, "follow", "GET /v1/layers (lastCheck says good or rolled-back)");
    }
}
