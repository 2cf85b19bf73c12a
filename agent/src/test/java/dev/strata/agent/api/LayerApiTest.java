package dev.strata.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.layout.ContentDigest;
import dev.strata.layout.LayerKeys;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerSignatures;
import dev.strata.layout.LayerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /v1/layers on a temporary router folder; the live switch is recorded instead of run by systemd. */
class LayerApiTest {

    @TempDir
    Path tmp;

    private final List<String> switched = new ArrayList<>();

    private LayerApi api() throws Exception {
        Files.createDirectories(tmp.resolve("keys"));
        if (!Files.exists(tmp.resolve("keys/k.key"))) {
            LayerKeys.generate(tmp.resolve("keys/k"));
        }
        Files.writeString(tmp.resolve("release"), "STRATA_VERSION=4.22.0\n");
        return new LayerApi(tmp.resolve("router"), tmp.resolve("keys"), tmp.resolve("release"), switched::add);
    }

    private Path layer(String version, String minRoot, boolean signed) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src-" + version).resolve("bin"));
        Files.writeString(dir.resolve("agent"), "agent " + version);
        Path root = dir.getParent();
        LayerManifest m = new LayerManifest("router", version, Instant.EPOCH, ContentDigest.of(root), "0".repeat(64),
                minRoot, "bin/agent", "bin/agent", 60);
        Files.write(root.resolve(LayerManifest.FILE), m.toBytes());
        KeyPair other = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(root.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(m,
                signed ? LayerKeys.readPrivate(tmp.resolve("keys/k.key")) : other.getPrivate()));
        return root;
    }

    /** Issue 17, item 9: what a killed install left is removed when the agent starts. */
    @Test
    void startUpRemovesWhatAKilledInstallLeft() throws Exception {
        Path left = Files.createDirectories(tmp.resolve("router/.staging-install-4242/jre/lib"));
        Files.writeString(left.resolve("modules"), "x".repeat(1000));
        api();
        assertThat(tmp.resolve("router/.staging-install-4242")).doesNotExist();
    }

    @Test
    void installsListsAndStartsALiveSwitch() throws Exception {
        LayerApi api = api();
        assertThat(api.install(layer("4.22.0.1", "4.22.0", true).toString())).containsEntry("installed", "4.22.0.1");

        Map<String, Object> list = api.list();
        assertThat(list.get("layers")).isEqualTo(List.of(new LayerStore.Installed("4.22.0.1", false, false, false)));
        assertThat(api.activate("4.22.0.1")).containsEntry("switching", "4.22.0.1");
        assertThat(switched).containsExactly("4.22.0.1");
    }

    @Test
    void inspectsRollsBackLiveAndCollects() throws Exception {
        LayerApi api = api();
        for (String v : List.of("1.0", "2.0", "3.0")) {
            api.install(layer(v, "4.22.0", true).toString());
        }
        assertThat(api.inspect("2.0")).containsEntry("version", "2.0").containsEntry("minRootVersion", "4.22.0")
                .containsKey("contentSha256");
        assertThatThrownBy(() -> api.rollback()).hasMessageContaining("no known-good layer");

        LayerStore store = new LayerStore(tmp.resolve("router"), List.of(), LayerStore.StepHook.NONE);
        store.activate("1.0");
        store.markGood();
        store.activate("3.0");
        assertThat(api.rollback()).containsEntry("switching", "1.0");
        assertThat(switched).containsExactly("1.0");

        assertThat(api.gc(1)).isEqualTo(Map.of("removed", List.of("2.0"))); // 1.0 and 3.0 are pointed at
        assertThatThrownBy(() -> api.inspect("2.0")).hasMessageContaining("not installed");
    }

    @Test
    void refusesBadPathsUnsignedLayersNewerRootsAndUnknownVersions() throws Exception {
        LayerApi api = api();
        assertThatThrownBy(() -> api.install("relative/path")).isInstanceOf(ApiHandler.BadRequest.class)
                .satisfies(e -> assertThat(((ApiHandler.BadRequest) e).status).isEqualTo(400));
        assertThatThrownBy(() -> api.install("/tmp/../etc/shadow")).isInstanceOf(ApiHandler.BadRequest.class);
        assertThatThrownBy(() -> api.install(tmp.resolve("missing.layer").toString()))
                .hasMessageContaining("invalid request");
        Path unsigned = layer("9.0", "4.22.0", false);
        assertThatThrownBy(() -> api.install(unsigned.toString())).isInstanceOf(ApiHandler.BadRequest.class)
                .hasMessageContaining("not signed by a trusted key")
                .satisfies(e -> assertThat(((ApiHandler.BadRequest) e).status).isEqualTo(409));
        Path newer = layer("9.1", "5.0.0", true);
        assertThatThrownBy(() -> api.install(newer.toString())).hasMessageContaining("needs root image 5.0.0");
        assertThatThrownBy(() -> api.activate("7.7")).hasMessageContaining("not installed");
        assertThatThrownBy(() -> api.activate("x; rm -rf /")).isInstanceOf(ApiHandler.BadRequest.class);
        assertThat(switched).isEmpty();
        assertThat(Files.list(tmp.resolve("router")).map(p -> p.getFileName().toString()).toList())
                .containsExactly(".lock");
    }
}
