package dev.strata.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers as one squashfs file: install, refusals, root version, a full disk. Uses the real squashfs-tools. */
class LayerImageTest {

    @TempDir
    Path tmp;

    private final KeyPair key = TestLayers.ed25519();

    private LayerStore store(Path dir, String rootVersion) {
        return new LayerStore(dir, List.of(key.getPublic()), LayerStore.StepHook.NONE, rootVersion);
    }

    @Test
    void installsALayerImageFile() throws Exception {
        Path image = TestLayers.image(TestLayers.folder(tmp, "2.0", "agent v2", key, "4.22.0", Map.of()),
                tmp.resolve("router-2.0.layer"));
        assertThat(LayerImage.isImage(image)).isTrue();
        LayerStore store = store(tmp.resolve("router"), "4.22.0");

        assertThat(store.install(image).version()).isEqualTo("2.0");

        assertThat(Files.readString(tmp.resolve("router/2.0/bin/agent"))).isEqualTo("agent v2");
        assertThat(store.verify(tmp.resolve("router/2.0")).version()).isEqualTo("2.0");
        assertThat(names(tmp.resolve("router"))).containsExactlyInAnyOrder("2.0", ".lock");
    }

    @Test
    void refusesATamperedImageAndLeavesNothing() throws Exception {
        Path folder = TestLayers.folder(tmp, "2.0", "agent v2", key, "4.22.0", Map.of());
        Files.writeString(folder.resolve("bin/agent"), "agent v2, changed after signing");
        Path image = TestLayers.image(folder, tmp.resolve("bad.layer"));
        LayerStore store = store(tmp.resolve("router"), "4.22.0");

        assertThatThrownBy(() -> store.install(image)).isInstanceOf(LayerException.class)
                .hasMessageContaining("content does not match its manifest");
        assertThat(names(tmp.resolve("router"))).containsExactly(".lock");
    }

    @Test
    void refusesAFileThatIsNoLayerImage() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.layer"), "not squashfs");
        assertThatThrownBy(() -> store(tmp.resolve("router"), null).install(junk))
                .isInstanceOf(LayerException.class).hasMessageContaining("not a layer");
    }

    @Test
    void refusesALayerMadeForANewerRootImage() throws Exception {
        Path image = TestLayers.image(TestLayers.folder(tmp, "5.0", "agent v5", key, "4.23.0", Map.of()),
                tmp.resolve("router-5.0.layer"));
        LayerStore store = store(tmp.resolve("router"), "4.22.0");

        assertThatThrownBy(() -> store.install(image)).isInstanceOf(LayerException.class)
                .hasMessageContaining("needs root image 4.23.0 or newer").hasMessageContaining("runs root image 4.22.0");
        assertThat(names(tmp.resolve("router"))).containsExactly(".lock");
        assertThat(store(tmp.resolve("router2"), "4.23.1").install(image).version()).isEqualTo("5.0");
    }

    /** A 4 MiB tmpfs cannot hold an 8 MiB layer: the error says so and the active layer is untouched. */
    @Test
    void aFullDiskWhileStagingChangesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path small = Files.createDirectories(tmp.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString());
        try {
            Path routerDir = small.resolve("router");
            LayerStore store = store(routerDir, "4.22.0");
            store.install(TestLayers.folder(tmp, "1.0", "agent v1", key, "4.22.0", Map.of()));
            store.activate("1.0");
            store.markGood();
            Path big = TestLayers.folder(tmp, "2.0", "agent v2", key, "4.22.0", Map.of());
            try (RandomAccessFile f = new RandomAccessFile(big.resolve("bin/agent").toFile(), "rw")) {
                byte[] noise = new byte[1 << 20];
                new java.util.Random(1).nextBytes(noise); // incompressible, so squashfs stays 8 MiB
                for (int i = 0; i < 8; i++) {
                    f.write(noise);
                }
            }
            Path resigned = TestLayers.folder(tmp, "2.0", Files.readString(big.resolve("bin/agent"),
                    java.nio.charset.StandardCharsets.ISO_8859_1), key, "4.22.0", Map.of());
            Path image = TestLayers.image(resigned, tmp.resolve("big.layer"));

            assertThatThrownBy(() -> store.install(image)).isInstanceOf(LayerException.class)
                    .hasMessageContaining("not enough space").hasMessageContaining("nothing was changed");

            assertThat(names(routerDir)).containsExactlyInAnyOrder("1.0", "latest", "known-good", ".lock");
            assertThat(store.target(LayerStore.LATEST)).contains("1.0");
            assertThat(Files.readString(routerDir.resolve("latest/bin/agent"))).isEqualTo("agent v1");
        } finally {
            run("umount", small.toString());
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
