package dev.strata.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayerStoreTest {

    @TempDir
    Path tmp;

    private final KeyPair key = ed25519();
    private final KeyPair otherKey = ed25519();

    private LayerStore store(LayerStore.StepHook hook) {
        return new LayerStore(tmp.resolve("router"), List.of(key.getPublic()), hook);
    }

    private LayerStore store() {
        return store(LayerStore.StepHook.NONE);
    }

    @Test
    void installActivateMarkGoodAndList() throws Exception {
        LayerStore store = store();
        store.install(layer("1.0", "agent v1", key));
        assertThat(store.list()).containsExactly(new LayerStore.Installed("1.0", false, false, false));

        store.activate("1.0");
        assertThat(store.target(LayerStore.LATEST)).contains("1.0");
        assertThat(store.trying()).contains("1.0");
        assertThat(Files.readString(tmp.resolve("router/latest/bin/agent"))).isEqualTo("agent v1");

        store.markGood();
        assertThat(store.list()).containsExactly(new LayerStore.Installed("1.0", true, true, false));
    }

    @Test
    void rollbackReturnsToTheKnownGoodLayer() throws Exception {
        LayerStore store = store();
        store.install(layer("1.0", "v1", key));
        store.activate("1.0");
        store.markGood();
        store.install(layer("2.0", "v2", key));
        store.activate("2.0");
        assertThat(Files.readString(tmp.resolve("router/latest/bin/agent"))).isEqualTo("v2");

        assertThat(store.rollback()).isEqualTo("1.0");
        assertThat(Files.readString(tmp.resolve("router/latest/bin/agent"))).isEqualTo("v1");
        assertThat(store.trying()).isEmpty();
    }

    @Test
    void unsignedWronglySignedOrTamperedLayersAreRefusedAndNothingChanges() throws Exception {
        LayerStore store = store();
        Path unsigned = layer("1.0", "v1", key);
        Files.delete(unsigned.resolve(LayerManifest.SIGNATURE_FILE));
        assertThatThrownBy(() -> store.install(unsigned)).isInstanceOf(LayerException.class).hasMessageContaining("not signed");

        Path foreign = layer("1.1", "v1", otherKey);
        assertThatThrownBy(() -> store.install(foreign)).hasMessageContaining("not signed by a trusted key");

        Path tampered = layer("1.2", "v1", key);
        Files.writeString(tampered.resolve("bin/agent"), "evil");
        assertThatThrownBy(() -> store.install(tampered)).hasMessageContaining("does not match its manifest");

        assertThat(store.list()).isEmpty();
        assertThat(entries(tmp.resolve("router"))).containsOnly(".lock");
    }

    @Test
    void activatingAVersionThatIsNotInstalledSaysWhatIs() throws Exception {
        LayerStore store = store();
        store.install(layer("1.0", "v1", key));
        assertThatThrownBy(() -> store.activate("9.9")).hasMessageContaining("9.9 is not installed").hasMessageContaining("1.0");
        assertThat(store.target(LayerStore.LATEST)).isEmpty();
    }

    @Test
    void gcKeepsTheNewestAndEveryPointedLayer() throws Exception {
        LayerStore store = store();
        for (String v : List.of("1", "2", "3", "4")) {
            store.install(layer(v, "v" + v, key));
            Files.setLastModifiedTime(tmp.resolve("router/" + v), java.nio.file.attribute.FileTime.fromMillis(Long.parseLong(v) * 1000));
        }
        store.activate("1");
        store.markGood(); // 1 is latest and known-good, though oldest
        assertThat(store.gc(1)).containsExactlyInAnyOrder("2", "3");
        assertThat(store.list()).extracting(LayerStore.Installed::version).containsExactlyInAnyOrder("4", "1");
    }

    @Test
    void aSecondOperationAtTheSameTimeIsRefused() throws Exception {
        Path router = Files.createDirectories(tmp.resolve("router"));
        try (FileChannel ch = FileChannel.open(router.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = ch.lock()) {
            assertThatThrownBy(() -> store().install(layer("1.0", "v1", key)))
                    .hasMessageContaining("another layer operation is running");
        }
        assertThat(store().list()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"install:copied", "install:renamed"})
    void aCrashDuringInstallLeavesNoHalfLayer(String step) throws Exception {
        Path layer = layer("2.0", "v2", key);
        assertThatThrownBy(() -> store(crashAt(step)).install(layer)).isInstanceOf(Crash.class);
        LayerStore store = store();
        store.recover();
        assertThat(entries(tmp.resolve("router"))).noneMatch(n -> n.startsWith(".staging"));
        if (step.equals("install:renamed")) {
            assertThat(store.verify(tmp.resolve("router/2.0")).version()).isEqualTo("2.0");
        } else {
            assertThat(store.list()).isEmpty();
            store.install(layer); // and the next try works
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"activate:trying-written", "activate:latest-moved", "rollback:latest-moved",
        "mark-good:known-good-moved"})
    void aCrashAtAnyPointerStepLeavesLatestNamingAnInstalledLayer(String step) throws Exception {
        LayerStore store = store();
        store.install(layer("1.0", "v1", key));
        store.activate("1.0");
        store.markGood();
        store.install(layer("2.0", "v2", key));
        LayerStore crashing = store(crashAt(step));
        assertThatThrownBy(() -> {
            if (step.startsWith("rollback")) {
                store.activate("2.0");
                crashing.rollback();
            } else if (step.startsWith("mark-good")) {
                store.activate("2.0");
                crashing.markGood();
            } else {
                crashing.activate("2.0");
            }
        }).isInstanceOf(Crash.class);

        store.recover();
        String latest = store.target(LayerStore.LATEST).orElseThrow();
        assertThat(tmp.resolve("router").resolve(latest)).isDirectory();
        assertThat(latest).isIn("1.0", "2.0");
        assertThat(store.target(LayerStore.KNOWN_GOOD).orElseThrow()).isIn("1.0", "2.0");
        assertThat(entries(tmp.resolve("router"))).noneMatch(n -> n.endsWith(".new"));
        // And from here the store still works: roll back to known-good.
        assertThat(store.rollback()).isEqualTo(store.target(LayerStore.KNOWN_GOOD).orElseThrow());
    }

    @Test
    void recoverPointsADanglingLatestBackAtKnownGood() throws Exception {
        LayerStore store = store();
        store.install(layer("1.0", "v1", key));
        store.activate("1.0");
        store.markGood();
        Path router = tmp.resolve("router");
        Files.delete(router.resolve("latest"));
        Files.createSymbolicLink(router.resolve("latest"), Path.of("gone"));
        store.recover();
        assertThat(store.target(LayerStore.LATEST)).contains("1.0");
    }

    // ---- helpers -------------------------------------------------------------------------

    /** A signed layer folder with one file, bin/agent. */
    private Path layer(String version, String agent, KeyPair signer) throws Exception {
        return TestLayers.folder(tmp, version, agent, signer, "4.22.0", java.util.Map.of());
    }

    private static final class Crash extends RuntimeException {
        Crash(String step) {
            super("simulated crash at " + step);
        }
    }

    private static LayerStore.StepHook crashAt(String step) {
        return reached -> {
            if (reached.equals(step)) {
                throw new Crash(step);
            }
        };
    }

    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static KeyPair ed25519() {
        return TestLayers.ed25519();
    }
}
