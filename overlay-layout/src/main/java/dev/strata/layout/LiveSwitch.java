package dev.strata.layout;

import java.util.List;
import java.util.Optional;

/**
 * Switches a running system VM to another installed layer: move {@code latest} (on trial),
 * restart only the units whose files changed, then let the health gate decide. The gate is
 * the root image's {@code strata-layer-check} (the same one that runs at boot): it marks the
 * layer good, or moves {@code latest} back to {@code known-good}, restarts what it feeds and
 * records why. It lives in the read-only root on purpose: a broken layer (say, a runtime that
 * does not start) cannot break the code that rolls it back.
 */
public final class LiveSwitch {

    /** What the switch asks of the service manager (systemd on a VM; a stand-in in unit tests). */
    public interface Services {
        void restart(String unit);

        /** Runs the health gate to completion and returns its verdict. */
        HealthGate.Verdict check();
    }

    /** How a switch ended. */
    public record Outcome(String from, String to, List<String> restarted, HealthGate.Verdict verdict) {
        public boolean healthy() {
            return verdict.healthy();
        }
    }

    private final LayerStore store;
    private final Services services;

    public LiveSwitch(LayerStore store, Services services) {
        this.store = store;
        this.services = services;
    }

    public Outcome switchTo(String version) {
        store.recover();
        Optional<String> from = store.target(LayerStore.LATEST);
        if (from.isPresent() && from.get().equals(version) && store.trying().isEmpty()) {
            throw new LayerException("layer " + version + " is already active");
        }
        store.activate(version);
        List<String> restarted = ServiceMap.changed(from.map(store.dir()::resolve).orElse(null),
                store.dir().resolve(version));
        restarted.forEach(services::restart);
        return new Outcome(from.orElse(null), version, restarted, services.check());
    }
}
