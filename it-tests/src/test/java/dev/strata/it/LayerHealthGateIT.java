package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.layout.HealthGate;
import dev.strata.layout.LayerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root image's health gate ({@code strata-layer-check}, shell) on a router folder made by
 * the Java {@link LayerStore}: both sides of the on-disk contract agree. Runs the real script
 * from the profile with its test overrides (folder, console, systemctl stand-in that records).
 */
class LayerHealthGateIT {

    @TempDir
    Path tmp;

    private Path router;
    private Path restarts;

    private void layer(String version, String healthScript) throws Exception {
        Path dir = Files.createDirectories(router.resolve(version).resolve("bin"));
        Files.writeString(dir.resolve("health"), healthScript);
        dir.resolve("health").toFile().setExecutable(true);
        Files.writeString(router.resolve(version).resolve("manifest.properties"), String.join("\n",
                "name=router", "version=" + version, "health-check=bin/health", "health-timeout-seconds=2", ""));
        Files.writeString(router.resolve(version).resolve("services.properties"), "strata-agent.service=bin\n");
    }

    private int gate() throws Exception {
        Path script = Path.of(System.getProperty("strata.profile.dir"), "files", "strata-layer-check");
        Path systemctl = Files.writeString(tmp.resolve("systemctl"), "#!/bin/sh\necho \"$@\" >> " + restarts + "\n");
        systemctl.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", script.toString())).redirectErrorStream(true);
        pb.environment().putAll(Map.of("STRATA_ROUTER_DIR", router.toString(), "STRATA_KMSG", "/dev/null",
                "STRATA_SYSTEMCTL", systemctl.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println(out);
        return p.exitValue();
    }

    private LayerStore setUp() throws Exception {
        router = Files.createDirectories(tmp.resolve("router"));
        restarts = tmp.resolve("restarts");
        layer("1", "#!/bin/sh\necho ok\n");
        layer("2", "#!/bin/sh\necho 'agent does not answer' >&2\nexit 1\n");
        layer("3", "#!/bin/sh\necho ok\n");
        LayerStore store = new LayerStore(router, List.of(), LayerStore.StepHook.NONE);
        store.activate("1");
        store.markGood();
        return store;
    }

    @Test
    void aPassingLayerOnTrialBecomesKnownGood() throws Exception {
        LayerStore store = setUp();
        store.activate("3");

        assertThat(gate()).isZero();

        assertThat(store.target(LayerStore.KNOWN_GOOD)).contains("3");
        assertThat(store.trying()).isEmpty();
        HealthGate.Verdict v = HealthGate.read(router);
        assertThat(v.healthy()).isTrue();
        assertThat(v.checked()).isEqualTo("3");
        assertThat(restarts).doesNotExist();
    }

    @Test
    void aFailingLayerIsRolledBackWithTheReasonAndItsUnitsRestarted() throws Exception {
        LayerStore store = setUp();
        store.activate("2");

        assertThat(gate()).isZero(); // the system is fine again, on the known-good layer

        assertThat(store.target(LayerStore.LATEST)).contains("1");
        assertThat(store.target(LayerStore.KNOWN_GOOD)).contains("1");
        assertThat(store.trying()).isEmpty();
        HealthGate.Verdict v = HealthGate.read(router);
        assertThat(v.result()).isEqualTo("rolled-back");
        assertThat(v.checked()).isEqualTo("2");
        assertThat(v.active()).isEqualTo("1");
        assertThat(v.reason()).contains("agent does not answer");
        assertThat(Files.readString(restarts)).isEqualTo("restart --no-block strata-agent.service\n");
        assertThat(Files.isSymbolicLink(router.resolve("latest"))).isTrue();
        assertThat(Files.exists(router.resolve("latest.new"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aRollbackWhoseKnownGoodLayerDoesNotRecoverFailsTheUnit() throws Exception {
        LayerStore store = setUp();
        Files.writeString(router.resolve("1/bin/health"), "#!/bin/sh\nexit 1\n"); // known-good broke meanwhile
        store.activate("2");

        assertThat(gate()).isEqualTo(1);

        HealthGate.Verdict v = HealthGate.read(router);
        assertThat(v.result()).isEqualTo("failed");
        assertThat(v.reason()).contains("known-good 1 did not recover");
        assertThat(store.target(LayerStore.LATEST)).contains("1");
    }

    @Test
    void aFailingLayerWithNothingToGoBackToFailsTheUnit() throws Exception {
        router = Files.createDirectories(tmp.resolve("router"));
        restarts = tmp.resolve("restarts");
        layer("2", "#!/bin/sh\nexit 1\n");
        LayerStore store = new LayerStore(router, List.of(), LayerStore.StepHook.NONE);
        store.activate("2");
        store.markGood();

        assertThat(gate()).isEqualTo(1);

        assertThat(HealthGate.read(router).result()).isEqualTo("failed");
        assertThat(store.target(LayerStore.LATEST)).contains("2");
    }
}
