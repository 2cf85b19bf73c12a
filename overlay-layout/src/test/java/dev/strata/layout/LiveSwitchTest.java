package dev.strata.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which units a live switch restarts, and what it reports; the service manager is a recording stand-in. */
class LiveSwitchTest {

    @TempDir
    Path tmp;

    private final KeyPair key = TestLayers.ed25519();
    private final List<String> restarted = new ArrayList<>();

    private LayerStore storeWith(String... versions) throws Exception {
        LayerStore store = new LayerStore(tmp.resolve("router"), List.of(key.getPublic()), LayerStore.StepHook.NONE);
        for (String v : versions) {
            store.install(TestLayers.folder(tmp, v, "agent " + (v.startsWith("1") ? "v1" : "v2"), key, "4.22.0", Map.of(
                    ServiceMap.FILE, "strata-agent.service=bin/agent\ndnsmasq.service=etc/dnsmasq\n",
                    "etc/dnsmasq/dnsmasq.conf", "port=53\n")));
        }
        return store;
    }

    private LiveSwitch.Services services(String verdict) {
        return new LiveSwitch.Services() {
            @Override
            public void restart(String unit) {
                restarted.add(unit);
            }

            @Override
            public HealthGate.Verdict check() {
                return new HealthGate.Verdict(verdict, "2.0", verdict.equals("good") ? "2.0" : "1.0", "test");
            }
        };
    }

    @Test
    void restartsOnlyTheUnitsWhoseFilesChanged() throws Exception {
        LayerStore store = storeWith("1.0", "2.0");
        store.activate("1.0");
        store.markGood();

        LiveSwitch.Outcome o = new LiveSwitch(store, services("good")).switchTo("2.0");

        assertThat(o.restarted()).containsExactly("strata-agent.service"); // dnsmasq's files are the same
        assertThat(restarted).containsExactly("strata-agent.service");
        assertThat(o.from()).isEqualTo("1.0");
        assertThat(o.healthy()).isTrue();
        assertThat(store.target(LayerStore.LATEST)).contains("2.0");
    }

    @Test
    void aUnitThatReadsTheManifestRestartsOnEveryNewVersion() throws Exception {
        LayerStore store = new LayerStore(tmp.resolve("router"), List.of(key.getPublic()), LayerStore.StepHook.NONE);
        for (String v : List.of("1.0", "1.1")) {
            store.install(TestLayers.folder(tmp, v, "same agent bytes", key, "4.22.0", Map.of(ServiceMap.FILE,
                    "strata-agent.service=bin/agent manifest.properties\ndnsmasq.service=bin/agent\n")));
        }
        store.activate("1.0");
        store.markGood();

        assertThat(new LiveSwitch(store, services("good")).switchTo("1.1").restarted())
                .containsExactly("strata-agent.service");
    }

    @Test
    void aFirstLayerStartsEveryUnit() throws Exception {
        LayerStore store = storeWith("1.0");

        LiveSwitch.Outcome o = new LiveSwitch(store, services("good")).switchTo("1.0");

        assertThat(o.restarted()).containsExactly("dnsmasq.service", "strata-agent.service");
    }

    @Test
    void reportsTheGatesRollback() throws Exception {
        LayerStore store = storeWith("1.0", "2.0");
        store.activate("1.0");
        store.markGood();

        LiveSwitch.Outcome o = new LiveSwitch(store, services("rolled-back")).switchTo("2.0");

        assertThat(o.healthy()).isFalse();
        assertThat(o.verdict().active()).isEqualTo("1.0");
    }

    @Test
    void refusesToSwitchToTheActiveLayerOrAnUninstalledOne() throws Exception {
        LayerStore store = storeWith("1.0");
        store.activate("1.0");
        store.markGood();

        assertThatThrownBy(() -> new LiveSwitch(store, services("good")).switchTo("1.0"))
                .isInstanceOf(LayerException.class).hasMessageContaining("already active");
        assertThatThrownBy(() -> new LiveSwitch(store, services("good")).switchTo("9.9"))
                .isInstanceOf(LayerException.class).hasMessageContaining("not installed");
        assertThat(restarted).isEmpty();
    }

    @Test
    void serviceMapRejectsPathsOutsideTheLayer() {
        assertThatThrownBy(() -> new ServiceMap(Map.of("x.service", List.of("../etc"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without '..'");
        assertThatThrownBy(() -> new ServiceMap(Map.of("rm -rf", List.of("bin"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a systemd service unit");
    }

    @Test
    void versionsCompareAsPeopleExpect() {
        assertThat(Versions.compare("4.9.0", "4.22.0")).isNegative();
        assertThat(Versions.compare("4.22.0", "4.22.0.1")).isNegative();
        assertThat(Versions.compare("4.22.1", "4.22.0.9")).isPositive();
        assertThat(Versions.compare("4.22.0", "4.22.0")).isZero();
        assertThat(Versions.compare("1.0.1", "1.0.rc1")).isPositive();
    }
}
