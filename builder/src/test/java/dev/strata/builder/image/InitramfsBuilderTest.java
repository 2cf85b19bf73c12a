package dev.strata.builder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsBuilderTest {

    static final String KVER = "6.1.0-56-amd64";
    static final long EPOCH = 1_700_000_000L;
    static final byte[] BUSYBOX = "\u007fELF fake busybox bytes".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path work;
    Path root;
    Path modules;

    @BeforeEach
    void fakeRoot() throws Exception {
        root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.write(root.resolve("usr/bin/busybox"), BUSYBOX);
        modules = Files.createDirectories(root.resolve("usr/lib/modules/" + KVER));
        Files.writeString(modules.resolve("modules.dep"), """
                kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/virtio/virtio_ring.ko:
                kernel/fs/erofs/erofs.ko:
                kernel/drivers/gpu/unused.ko:
                """);
        Files.writeString(modules.resolve("modules.builtin"), "kernel/fs/ext4/ext4.ko\n");
        ko("kernel/drivers/block/virtio_blk.ko");
        ko("kernel/drivers/virtio/virtio.ko");
        ko("kernel/drivers/virtio/virtio_ring.ko");
        ko("kernel/fs/erofs/erofs.ko");
        ko("kernel/drivers/gpu/unused.ko");
    }

    private void ko(String rel) throws Exception {
        Path p = modules.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "module " + rel);
    }

    private InitramfsBuilder.Spec spec() {
        return new InitramfsBuilder.Spec(root, KVER, List.of("virtio_blk", "erofs", "ext4"), "erofs", EPOCH);
    }

    record Entry(CpioArchiveEntry meta, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Entry> read(Path initrd) throws Exception {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(initrd));
             CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                cpio.transferTo(b);
                assertThat(entries.put(e.getName(), new Entry(e, b.toByteArray()))).as("duplicate " + e.getName())
                        .isNull();
            }
        }
        return entries;
    }

    @Test
    void writesInitBusyboxModulesInOrderAndConfiguration() throws Exception {
        Path out = work.resolve("initrd.img");

        InitramfsBuilder.Result result = new InitramfsBuilder().build(spec(), out);
        Map<String, Entry> entries = read(out);

        assertThat(result.file()).isEqualTo(out);
        assertThat(result.modules()).containsExactly("virtio_ring.ko", "virtio.ko", "virtio_blk.ko", "erofs.ko");

        Entry init = entries.get("init");
        assertThat(init).isNotNull();
        assertThat(init.meta().isRegularFile()).isTrue();
        assertThat(init.meta().getMode() & 07777).isEqualTo(0755);
        assertThat(init.text()).startsWith("#!/bin/busybox sh\n");

        Entry busybox = entries.get("bin/busybox");
        assertThat(busybox.data()).isEqualTo(BUSYBOX);
        assertThat(busybox.meta().getMode() & 07777).isEqualTo(0755);

        List<String> koInArchive = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getKey().startsWith("lib/modules/") && e.getValue().meta().isRegularFile()) {
                koInArchive.add(e.getKey().substring("lib/modules/".length()));
            }
        }
        assertThat(koInArchive).containsExactly("virtio_ring.ko", "virtio.ko", "virtio_blk.ko", "erofs.ko");
        assertThat(entries.get("lib/modules/virtio_blk.ko").text()).isEqualTo("module kernel/drivers/block/virtio_blk.ko");
        assertThat(entries.get("lib/modules/virtio_blk.ko").meta().getMode() & 07777).isEqualTo(0644);
        assertThat(entries).doesNotContainKey("lib/modules/unused.ko");

        assertThat(entries.get("etc/strata/modules").text())
                .isEqualTo(String.join("\n", koInArchive) + "\n")
                .isEqualTo("virtio_ring.ko\nvirtio.ko\nvirtio_blk.ko\nerofs.ko\n");
        assertThat(entries.get("etc/strata/rootfs-type").text()).isEqualTo("erofs\n");

        Entry console = entries.get("dev/console");
        assertThat(console.meta().isCharacterDevice()).isTrue();
        assertThat(console.meta().getRemoteDeviceMaj()).isEqualTo(5);
        assertThat(console.meta().getRemoteDeviceMin()).isEqualTo(1);
        Entry nul = entries.get("dev/null");
        assertThat(nul.meta().isCharacterDevice()).isTrue();
        assertThat(nul.meta().getRemoteDeviceMaj()).isEqualTo(1);
        assertThat(nul.meta().getRemoteDeviceMin()).isEqualTo(3);

        for (String d : List.of("bin", "dev", "etc", "etc/strata", "lib", "lib/modules", "newroot", "proc", "run",
                "sys", "tmp")) {
            assertThat(entries.get(d)).as(d).isNotNull();
            assertThat(entries.get(d).meta().isDirectory()).as(d).isTrue();
        }
        // a folder comes before what is in it (the kernel unpacks in archive order)
        List<String> names = new ArrayList<>(entries.keySet());
        for (String name : names) {
            int slash = name.lastIndexOf('/');
            if (slash > 0) {
                assertThat(names.indexOf(name.substring(0, slash))).as("parent of " + name)
                        .isBetween(0, names.indexOf(name) - 1);
            }
        }
        for (Entry e : entries.values()) {
            assertThat(e.meta().getUID()).as(e.meta().getName()).isZero();
            assertThat(e.meta().getGID()).as(e.meta().getName()).isZero();
            assertThat(e.meta().getTime()).as(e.meta().getName()).isEqualTo(EPOCH);
            assertThat(e.meta().getFormat()).isEqualTo(org.apache.commons.compress.archivers.cpio.CpioConstants.FORMAT_NEW);
        }
    }

    @Test
    void twoBuildsAreByteIdentical() throws Exception {
        Path first = work.resolve("first.img");
        Path second = work.resolve("second.img");

        new InitramfsBuilder().build(spec(), first);
        // the inputs' own time stamps must not leak in
        for (Path p : List.of(root.resolve("usr/bin/busybox"), modules.resolve("kernel/drivers/virtio/virtio.ko"))) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
        }
        Thread.sleep(20);
        new InitramfsBuilder().build(spec(), second);

        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        assertThat(read(first)).isNotEmpty();
    }

    @Test
    void theEpochIsWhatTheEntriesCarry() throws Exception {
        Path a = work.resolve("a.img");
        new InitramfsBuilder().build(new InitramfsBuilder.Spec(root, KVER, List.of("erofs"), "squashfs", 86_400L), a);

        Map<String, Entry> entries = read(a);
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.meta().getTime()).isEqualTo(86_400L));
        assertThat(entries.get("etc/strata/rootfs-type").text()).isEqualTo("squashfs\n");
        assertThat(entries.get("etc/strata/modules").text()).isEqualTo("erofs.ko\n");
    }

    @Test
    void modulesUnderLibModulesAreFoundWhenUsrLibModulesIsAbsent() throws Exception {
        Path lib = Files.createDirectories(root.resolve("lib/modules"));
        Files.move(root.resolve("usr/lib/modules/" + KVER), lib.resolve(KVER));
        Path out = work.resolve("lib.img");

        InitramfsBuilder.Result r = new InitramfsBuilder().build(spec(), out);

        assertThat(r.modules()).containsExactly("virtio_ring.ko", "virtio.ko", "virtio_blk.ko", "erofs.ko");
        assertThat(read(out).get("lib/modules/erofs.ko").text()).isEqualTo("module kernel/fs/erofs/erofs.ko");
    }

    @Test
    void missingBusyboxIsAClearError() throws Exception {
        Files.delete(root.resolve("usr/bin/busybox"));
        Path out = work.resolve("none.img");

        assertThatThrownBy(() -> new InitramfsBuilder().build(spec(), out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/usr/bin/busybox")
                .hasMessageContaining("busybox-static");
        assertThat(out).doesNotExist();
    }

    @Test
    void anUnknownModuleFailsTheBuild() {
        InitramfsBuilder.Spec spec = new InitramfsBuilder.Spec(root, KVER, List.of("virtio_blk", "nvme"), "erofs",
                EPOCH);

        assertThatThrownBy(() -> new InitramfsBuilder().build(spec, work.resolve("x.img")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nvme");
    }
}
