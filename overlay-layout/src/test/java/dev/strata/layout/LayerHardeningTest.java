package dev.strata.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: layers tampered with after signing (owner, setuid, type), entries a layer may not
 * hold (FIFOs, devices, links out of the layer), leftovers of killed installs, and errors that
 * name the file given. Real squashfs-tools; owners and device nodes need root.
 */
@Timeout(60)
class LayerHardeningTest {

    @TempDir
    Path tmp;

    private final KeyPair key = TestLayers.ed25519();
    private Path router;

    @BeforeEach
    void root() {
        assumeTrue("root".equals(System.getProperty("user.name")), "owners and device nodes need root");
        router = tmp.resolve("router");
    }

    private LayerStore store() {
        return new LayerStore(router, List.of(key.getPublic()), LayerStore.StepHook.NONE, "4.22.0");
    }

    private Path signed(String version) throws Exception {
        return TestLayers.folder(tmp, version, "agent " + version, key, "4.22.0", Map.of("lib/a.jar", "jar"));
    }

    // ---- item 1: owner, group and all mode bits are signed ------------------------------------

    @ParameterizedTest
    // bin/agent is 0644 and bin 0755 as signed: only the owner, the group or a special bit changes,
    // which format 1 did not cover (all but the last were installed before issue 17).
    @ValueSource(strings = {"bin/agent m 644 1000 1000", "bin/agent m 644 0 1000", "bin/agent m 4644 0 0",
        "bin/agent m 2644 0 0", "bin m 1755 0 0", "bin m 755 65534 65534", "bin/agent m 600 0 0"})
    void anImageWhoseOwnerOrModeChangedAfterSigningIsRefused(String tamper) throws Exception {
        Path image = TestLayers.image(signed("2.0"), tmp.resolve("router-2.0.layer"), tamper);

        assertThatThrownBy(() -> store().install(image)).isInstanceOf(LayerException.class)
                .hasMessageContaining(image.toString()).hasMessageNotContaining(".staging");
        assertThatThrownBy(() -> store().verify(image)).isInstanceOf(LayerException.class);
        assertThat(names(router)).containsExactly(".lock");
    }

    @Test
    void theDigestCoversOwnerGroupAndSpecialBits() throws Exception {
        Path dir = signed("2.0");
        String before = ContentDigest.of(dir);
        Path agent = dir.resolve("bin/agent");
        Files.setAttribute(agent, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        String owner = ContentDigest.of(dir);
        Files.setAttribute(agent, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(agent, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
        String group = ContentDigest.of(dir);
        Files.setAttribute(agent, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(agent, "unix:mode", 04644, LinkOption.NOFOLLOW_LINKS);
        String setuid = ContentDigest.of(dir);
        Files.setAttribute(agent, "unix:mode", 0644, LinkOption.NOFOLLOW_LINKS);

        assertThat(List.of(owner, group, setuid)).doesNotContain(before).doesNotHaveDuplicates();
        assertThat(ContentDigest.of(dir)).isEqualTo(before);
        assertThat(ContentDigest.of(dir, ContentDigest.Owners.ALL_ROOT, rel -> true)).isEqualTo(before);
    }

    @Test
    void aFolderGivenAnotherOwnerOrModeAfterSigningIsRefused() throws Exception {
        Path dir = signed("2.0");
        Files.setAttribute(dir.resolve("bin/agent"), "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> store().install(dir)).isInstanceOf(LayerException.class)
                .hasMessageContaining("bin/agent is owned by uid 65534").hasMessageContaining(dir.toString());

        Path other = signed("3.0");
        Files.setAttribute(other.resolve("bin/agent"), "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> store().install(other)).isInstanceOf(LayerException.class)
                .hasMessageContaining("content does not match its manifest").hasMessageContaining(other.toString());
        assertThat(names(router)).containsExactly(".lock");
    }

    @Test
    void aFolderInstallKeepsModesAndOwnersAndIsVerifiedAsCopied() throws Exception {
        Path dir = signed("2.0");
        Files.setAttribute(dir.resolve("bin"), "unix:mode", 0750, LinkOption.NOFOLLOW_LINKS);
        Path resigned = resign(dir, "2.0");
        store().install(resigned);
        assertThat(Files.getAttribute(router.resolve("2.0/bin"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(040750);
        assertThat(store().verify(router.resolve("2.0")).version()).isEqualTo("2.0");
    }

    @Test
    void aLayerOfTheOldDigestFormatGetsAClearError() throws Exception {
        Path dir = signed("2.0");
        String old = Files.readString(dir.resolve(LayerManifest.FILE)).replace("content-format=2\n", "");
        Files.writeString(dir.resolve(LayerManifest.FILE), old);
        Files.write(dir.resolve(LayerManifest.SIGNATURE_FILE), sign(old.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> store().install(dir)).isInstanceOf(LayerException.class)
                .hasMessageContaining("content digest of format 1").hasMessageContaining("rebuild");
    }

    // ---- items 4 and 8: what a layer may hold --------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"bin/fifo i 644 0 0 f|bin/fifo is a FIFO", "bin/null0 c 644 0 0 1 3|bin/null0 is a character device",
        "bin/disk b 644 0 0 7 0|bin/disk is a block device", "bin/sock i 644 0 0 s|bin/sock is a socket",
        "lib/out s 777 0 0 ../../etc|lib/out is a symbolic link to ../../etc, outside the layer",
        "lib/abs s 777 0 0 /etc/shadow|lib/abs is a symbolic link to the absolute path /etc/shadow"})
    void entriesALayerMayNotHoldAreRefusedByName(String spec) throws Exception {
        String[] s = spec.split("\\|");
        Path folder = signed("2.0");
        Path image = TestLayers.image(folder, tmp.resolve("bad.layer"), s[0]);

        long start = System.nanoTime();
        assertThatThrownBy(() -> store().install(image)).isInstanceOf(LayerException.class)
                .hasMessageContaining(s[1]).hasMessageContaining(image.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(names(router)).containsExactly(".lock"); // no staging folder, and the lock is free again:
        assertThat(store().install(TestLayers.image(signed("3.0"), tmp.resolve("good.layer"))).version()).isEqualTo("3.0");
    }

    @Test
    void aFifoInALayerFolderIsRefusedWithoutBlocking() throws Exception {
        Path dir = signed("2.0");
        run("mkfifo", dir.resolve("lib/pipe").toString());
        assertThatThrownBy(() -> store().install(dir)).isInstanceOf(LayerException.class)
                .hasMessageContaining("lib/pipe is a FIFO");
        assertThatThrownBy(() -> store().verify(dir)).hasMessageContaining("lib/pipe is a FIFO");
        assertThatThrownBy(() -> ContentDigest.of(dir)).hasMessageContaining("lib/pipe is a FIFO");
    }

    @Test
    void linksInsideTheLayerAreFineAndLinksThroughLinksOutAreNot() throws Exception {
        Path dir = signed("2.0");
        Files.createDirectories(dir.resolve("legal/java.base"));
        Files.writeString(dir.resolve("legal/java.base/LICENSE"), "gpl");
        Files.createDirectories(dir.resolve("legal/java.logging"));
        Files.createSymbolicLink(dir.resolve("legal/java.logging/LICENSE"), Path.of("../java.base/LICENSE"));
        Files.createSymbolicLink(dir.resolve("current"), Path.of("legal/java.base"));
        assertThat(store().install(resign(dir, "2.0")).version()).isEqualTo("2.0");

        // p/q/b -> ../../t resolves to t at the top; p/q/a -> b/../.. then leaves the layer, though
        // read as plain text (p/q/b/../..) it would seem to stay inside.
        Path tricky = signed("3.0");
        Files.createDirectories(tricky.resolve("p/q"));
        Files.createDirectories(tricky.resolve("t"));
        Files.createSymbolicLink(tricky.resolve("p/q/b"), Path.of("../../t"));
        Files.createSymbolicLink(tricky.resolve("p/q/a"), Path.of("b/../.."));
        assertThatThrownBy(() -> store().install(resign(tricky, "3.0"))).isInstanceOf(LayerException.class)
                .hasMessageContaining("p/q/a is a symbolic link to b/../.., outside the layer");

        // Links out of the layer that are part of what was signed.
        List<String> targets = List.of("../../etc", "/etc/shadow", "../lib/../../x");
        for (int i = 0; i < targets.size(); i++) {
            String version = "5." + i;
            Path out = signed(version);
            Files.createSymbolicLink(out.resolve("lib/out"), Path.of(targets.get(i)));
            assertThatThrownBy(() -> store().install(resign(out, version))).isInstanceOf(LayerException.class)
                    .hasMessageContaining("lib/out is a symbolic link to");
        }

        Path loop = signed("4.0");
        Files.createSymbolicLink(loop.resolve("x"), Path.of("y"));
        Files.createSymbolicLink(loop.resolve("y"), Path.of("x/z"));
        assertThatThrownBy(() -> store().install(resign(loop, "4.0"))).hasMessageContaining("a loop");
    }

    @Test
    void groupOrWorldWritableEntriesAreRefused() throws Exception {
        Path dir = signed("2.0");
        Files.setAttribute(dir.resolve("lib/a.jar"), "unix:mode", 0666, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> store().install(resign(dir, "2.0"))).hasMessageContaining("lib/a.jar has mode 0666")
                .hasMessageContaining("writable by group or others");
    }

    // ---- items 9 and 10: leftovers of killed operations, errors naming the file given ----------

    @Test
    void everyOperationRemovesStagingFoldersAKilledOneLeft() throws Exception {
        LayerStore store = store();
        store.install(signed("1.0"));
        for (String op : List.of("install", "activate", "gc", "start-up")) {
            Path left = Files.createDirectories(router.resolve(".staging-install-4242/jre/lib"));
            Files.writeString(left.resolve("modules"), "x".repeat(1000));
            switch (op) {
                case "install" -> store.install(signed("2.0"));
                case "activate" -> store.activate("1.0");
                case "gc" -> store.gc(5);
                default -> store.removeLeftoversNow();
            }
            assertThat(names(router)).as(op).noneMatch(n -> n.startsWith(".staging"));
        }
    }

    @Test
    void aTamperedImageIsNamedByTheFileGiven() throws Exception {
        Path folder = signed("2.0");
        Files.writeString(folder.resolve("bin/agent"), "changed");
        Path image = TestLayers.image(folder, tmp.resolve("given.layer"));
        assertThatThrownBy(() -> store().install(image)).hasMessageContaining("content does not match")
                .hasMessageContaining(image.toString()).hasMessageNotContaining(".staging");
        assertThatThrownBy(() -> store().verify(image)).hasMessageContaining(image.toString())
                .hasMessageNotContaining("strata-verify-");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Path resign(Path dir, String version) throws Exception {
        LayerManifest m = new LayerManifest("router", version, java.time.Instant.parse("2026-01-01T00:00:00Z"),
                ContentDigest.of(dir), "0".repeat(64), "4.22.0", "bin/agent", "bin/agent --health", 60);
        Files.write(dir.resolve(LayerManifest.FILE), m.toBytes());
        Files.write(dir.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(m, key.getPrivate()));
        return dir;
    }

    private byte[] sign(byte[] manifest) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(manifest);
        return s.sign();
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
