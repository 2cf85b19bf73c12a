package dev.strata.builder.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.builder.profile.Kernel;
import dev.strata.builder.profile.Slimming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlimmerTest {

    private static final String KVER = "6.1.0-56-amd64";

    @TempDir
    Path work;

    /** Writes a file of exactly {@code size} bytes and returns the size. */
    private long file(Path root, String rel, int size) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        Files.write(p, b);
        return size;
    }

    private static Kernel kernel(List<String> keptModules) {
        return new Kernel("linux-image-amd64", Map.of(), keptModules, List.of(), "");
    }

    private static Kernel keepAllModules() {
        return kernel(List.of("kernel/"));
    }

    @Test
    void removesCategoryPatternsAndReportsTheirBytes() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        long docs = file(root, "usr/share/doc/bash/copyright", 100)
                + file(root, "usr/share/doc/bash/changelog.gz", 250)
                + file(root, "usr/share/doc/README", 7);
        long boot = file(root, "boot/initrd.img-" + KVER, 3000) + file(root, "boot/System.map-" + KVER, 400);
        long debconf = file(root, "var/cache/debconf/config.dat-old", 60)
                + file(root, "var/cache/debconf/templates.dat-old", 90);
        long plain = file(root, "etc/motd", 33);
        file(root, "boot/vmlinuz-" + KVER, 5000);
        file(root, "boot/config-" + KVER, 50);
        file(root, "var/cache/debconf/config.dat", 70);
        file(root, "usr/share/docs-are-not-doc/x", 10);
        Files.createDirectories(root.resolve("usr/share/doc/empty-pkg"));

        Slimming slimming = new Slimming(Map.of(
                "docs", List.of("/usr/share/doc/*"),
                "boot-leftovers", List.of("/boot/initrd.img-*", "/boot/System.map-*"),
                "caches", List.of("/var/cache/debconf/*-old"),
                "motd", List.of("/etc/motd"),
                "absent", List.of("/usr/share/nothing-here/*", "/usr/share/nothing-here-either")),
                List.of());

        Map<String, Long> removed = new Slimmer().slim(root, slimming, keepAllModules());

        assertThat(removed).containsExactly(
                Map.entry("absent", 0L),
                Map.entry("boot-leftovers", boot),
                Map.entry("caches", debconf),
                Map.entry("docs", docs),
                Map.entry("motd", plain),
                Map.entry(Slimmer.MODULES_CATEGORY, 0L));
        assertThat(root.resolve("usr/share/doc")).as("'/*' keeps the folder itself").isEmptyDirectory();
        assertThat(root.resolve("boot")).isDirectory();
        try (var boots = Files.list(root.resolve("boot"))) {
            assertThat(boots.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("vmlinuz-" + KVER, "config-" + KVER);
        }
        assertThat(root.resolve("var/cache/debconf/config.dat")).exists();
        assertThat(root.resolve("var/cache/debconf/config.dat-old")).doesNotExist();
        assertThat(root.resolve("etc/motd")).doesNotExist();
        assertThat(root.resolve("etc")).isDirectory();
        assertThat(root.resolve("usr/share/docs-are-not-doc/x")).exists();
    }

    @Test
    void aKeptFileInsideARemovedFolderSurvivesAndIsNotCounted() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        long gone = file(root, "usr/share/locale/de/LC_MESSAGES/bash.mo", 1200)
                + file(root, "usr/share/locale/fr/LC_MESSAGES/bash.mo", 1300)
                + file(root, "usr/share/locale/en/other.mo", 11);
        long kept = file(root, "usr/share/locale/locale.alias", 2996)
                + file(root, "usr/share/locale/en/LC_MESSAGES/keep.mo", 42);

        Slimming slimming = new Slimming(Map.of("locales", List.of("/usr/share/locale/*")),
                List.of("/usr/share/locale/locale.alias", "/usr/share/locale/en/LC_MESSAGES/keep.mo"));

        Map<String, Long> removed = new Slimmer().slim(root, slimming, keepAllModules());

        assertThat(removed.get("locales")).isEqualTo(gone);
        assertThat(TreeSizes.size(root.resolve("usr/share/locale"))).isEqualTo(kept);
        assertThat(root.resolve("usr/share/locale/locale.alias")).hasSize(2996);
        assertThat(root.resolve("usr/share/locale/en/LC_MESSAGES/keep.mo")).hasSize(42);
        assertThat(root.resolve("usr/share/locale/de")).doesNotExist();
        assertThat(root.resolve("usr/share/locale/en/other.mo")).doesNotExist();
    }

    @Test
    void aKeptPathMatchingAPlainPatternItselfStays() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        file(root, "etc/issue", 20);

        Map<String, Long> removed = new Slimmer().slim(root,
                new Slimming(Map.of("misc", List.of("/etc/issue")), List.of("/etc/issue")), keepAllModules());

        assertThat(removed.get("misc")).isZero();
        assertThat(root.resolve("etc/issue")).exists();
    }

    @Test
    void aKeptFileInsideAPlainPathFolderSurvives() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        long gone = file(root, "usr/share/locale/de/bash.mo", 1200);
        file(root, "usr/share/locale/locale.alias", 2996);

        Map<String, Long> removed = new Slimmer().slim(root,
                new Slimming(Map.of("locales", List.of("/usr/share/locale")), List.of("/usr/share/locale/locale.alias")),
                keepAllModules());

        assertThat(root.resolve("usr/share/locale/locale.alias")).exists();
        assertThat(removed.get("locales")).isEqualTo(gone);
    }

    @Test
    void slimsKernelModulesByPrefixAndRemovesEmptyFolders() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        String k = "usr/lib/modules/" + KVER + "/";
        long keptBytes = file(root, k + "kernel/fs/ext4/ext4.ko", 500)
                + file(root, k + "kernel/drivers/block/virtio_blk.ko", 300)
                + file(root, k + "kernel/drivers/virtio/virtio.ko", 200)
                + file(root, k + "kernel/drivers/virtio/virtio_ring.ko", 210);
        long removedBytes = file(root, k + "kernel/drivers/block/loop.ko", 120)
                + file(root, k + "kernel/drivers/gpu/drm/i915/i915.ko", 9000)
                + file(root, k + "kernel/drivers/gpu/drm/drm.ko", 800)
                + file(root, k + "kernel/sound/core/snd.ko", 640)
                + file(root, k + "kernel/fs/ext4-extra/x.ko", 5);
        long index = file(root, k + "modules.dep", 77) + file(root, k + "modules.builtin", 33);
        Files.createDirectories(root.resolve(k + "kernel/net/empty/already"));

        Map<String, Long> removed = new Slimmer().slim(root, new Slimming(Map.of(), List.of()), kernel(List.of(
                "kernel/fs/ext4/", "kernel/drivers/block/virtio_blk.ko", "kernel/drivers/virtio/")));

        assertThat(removed).containsExactly(Map.entry(Slimmer.MODULES_CATEGORY, removedBytes));
        assertThat(TreeSizes.size(root.resolve("usr/lib/modules"))).isEqualTo(keptBytes + index);
        assertThat(root.resolve(k + "kernel/fs/ext4/ext4.ko")).exists();
        assertThat(root.resolve(k + "kernel/drivers/block/virtio_blk.ko")).exists();
        assertThat(root.resolve(k + "kernel/drivers/virtio/virtio_ring.ko")).exists();
        assertThat(root.resolve(k + "kernel/drivers/block/loop.ko")).doesNotExist();
        assertThat(root.resolve(k + "kernel/drivers/gpu")).as("emptied folders go").doesNotExist();
        assertThat(root.resolve(k + "kernel/sound")).doesNotExist();
        assertThat(root.resolve(k + "kernel/fs/ext4-extra")).doesNotExist();
        assertThat(root.resolve(k + "kernel/net")).as("already-empty folders go too").doesNotExist();
        assertThat(root.resolve(k + "modules.dep")).as("files outside kernel/ are not modules").exists();
    }

    @Test
    void keepsWhatKeptModulesDependOnEvenOutsideTheKeepList() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        String k = "usr/lib/modules/" + KVER + "/";
        file(root, k + "kernel/drivers/scsi/sd_mod.ko", 100);
        file(root, k + "kernel/block/t10-pi.ko", 50);
        file(root, k + "kernel/lib/crc-t10dif.ko", 40);
        file(root, k + "kernel/block/unrelated.ko", 30);
        Files.writeString(root.resolve(k + "modules.dep"), String.join("\n",
                "kernel/drivers/scsi/sd_mod.ko: kernel/block/t10-pi.ko kernel/lib/crc-t10dif.ko",
                "kernel/block/t10-pi.ko: kernel/lib/crc-t10dif.ko",
                "kernel/lib/crc-t10dif.ko:",
                "kernel/block/unrelated.ko:", ""));

        Map<String, Long> removed = new Slimmer().slim(root, new Slimming(Map.of(), List.of()),
                kernel(List.of("kernel/drivers/scsi/sd_mod.ko")));

        assertThat(root.resolve(k + "kernel/block/t10-pi.ko")).as("sd_mod needs it").exists();
        assertThat(root.resolve(k + "kernel/lib/crc-t10dif.ko")).as("needed through t10-pi").exists();
        assertThat(root.resolve(k + "kernel/block/unrelated.ko")).doesNotExist();
        assertThat(removed).containsEntry(Slimmer.MODULES_CATEGORY, 30L);
    }

    @Test
    void slimsModulesUnderLibModulesWhenThereIsNoUsrLibModules() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        String k = "lib/modules/" + KVER + "/";
        file(root, k + "kernel/fs/erofs/erofs.ko", 100);
        long gone = file(root, k + "kernel/fs/btrfs/btrfs.ko", 1000);

        Map<String, Long> removed = new Slimmer().slim(root, new Slimming(Map.of(), List.of()),
                kernel(List.of("kernel/fs/erofs/")));

        assertThat(removed.get(Slimmer.MODULES_CATEGORY)).isEqualTo(gone);
        assertThat(root.resolve(k + "kernel/fs/erofs/erofs.ko")).exists();
        assertThat(root.resolve(k + "kernel/fs/btrfs")).doesNotExist();
    }

    @Test
    void insideResolvesAbsoluteImagePathsUnderTheRoot() {
        Path root = work.resolve("root");

        assertThat(Slimmer.inside(root, "/usr/share/doc")).isEqualTo(root.resolve("usr/share/doc"));
        assertThat(Slimmer.inside(root, "///etc/../var/log")).isEqualTo(root.resolve("var/log"));
        assertThat(Slimmer.inside(root, "/")).isEqualTo(root);
    }

    @Test
    void insideRefusesPathsThatLeaveTheRoot() {
        Path root = work.resolve("root");

        assertThatThrownBy(() -> Slimmer.inside(root, "/../outside"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/../outside");
        assertThatThrownBy(() -> Slimmer.inside(root, "/usr/../../outside/*"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Slimmer.inside(root, "/..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPatternThatLeavesTheRootRemovesNothingOutsideIt() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        file(work, "outside/precious", 10);
        Slimmer slimmer = new Slimmer();

        assertThatThrownBy(() -> slimmer.slim(root,
                new Slimming(Map.of("evil", List.of("/../outside/*")), List.of()), keepAllModules()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slimmer.slim(root,
                new Slimming(Map.of("evil", List.of("/../outside")), List.of()), keepAllModules()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slimmer.slim(root,
                new Slimming(Map.of(), List.of("/../outside/precious")), keepAllModules()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(work.resolve("outside/precious")).exists();
    }

    @Test
    void aPatternThroughAnAbsoluteSymlinkInTheTreeDoesNotReachTheHost() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        // stands in for the host's /run: the rootfs's var/run is an absolute symlink, as in Debian
        Path hostRun = work.resolve("host-run");
        file(hostRun, "sub/precious", 10);
        file(hostRun, "lone", 10);
        Files.createDirectories(root.resolve("var"));
        Files.createSymbolicLink(root.resolve("var/run"), hostRun.toAbsolutePath());

        assertThatThrownBy(() -> new Slimmer().slim(root,
                new Slimming(Map.of("run", List.of("/var/run/sub/*", "/var/run/lone")), List.of()), keepAllModules()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("symbolic link /var/run");

        assertThat(hostRun.resolve("sub/precious")).exists();
        assertThat(hostRun.resolve("lone")).exists();
    }
}
