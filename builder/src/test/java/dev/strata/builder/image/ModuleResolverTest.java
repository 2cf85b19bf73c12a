package dev.strata.builder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleResolverTest {

    static final String VIRTIO = "kernel/drivers/virtio/virtio.ko";
    static final String RING = "kernel/drivers/virtio/virtio_ring.ko";
    static final String VIRTIO_PCI = "kernel/drivers/virtio/virtio_pci.ko";
    static final String MODERN = "kernel/drivers/virtio/virtio_pci_modern_dev.ko";
    static final String BLK = "kernel/drivers/block/virtio_blk.ko";
    static final String SCSI_MOD = "kernel/drivers/scsi/scsi_mod.ko";
    static final String SCSI_COMMON = "kernel/drivers/scsi/scsi_common.ko";
    static final String VIRTIO_SCSI = "kernel/drivers/scsi/virtio_scsi.ko";
    static final String XEN_BLK = "kernel/drivers/block/xen-blkfront.ko";
    static final String CRC_INTEL = "kernel/arch/x86/crypto/crc32c-intel.ko";
    static final String OVERLAY = "kernel/fs/overlayfs/overlay.ko";

    @TempDir
    Path dir;

    @BeforeEach
    void index() throws Exception {
        // as depmod writes it: each module, then all it needs (transitively), the deepest last
        Files.writeString(dir.resolve("modules.dep"), String.join("\n",
                BLK + ": " + VIRTIO + " " + RING,
                VIRTIO_SCSI + ": " + SCSI_MOD + " " + SCSI_COMMON + " " + VIRTIO + " " + RING,
                VIRTIO_PCI + ": " + MODERN + " " + VIRTIO + " " + RING,
                MODERN + ":",
                VIRTIO + ": " + RING,
                RING + ":",
                SCSI_MOD + ": " + SCSI_COMMON,
                SCSI_COMMON + ":",
                XEN_BLK + ":",
                CRC_INTEL + ":",
                OVERLAY + ":",
                "not a module line",
                "") + "\n");
        Files.writeString(dir.resolve("modules.builtin"), String.join("\n",
                "kernel/fs/ext4/ext4.ko",
                "kernel/drivers/ata/ata_piix.ko",
                "kernel/crypto/crc32c_generic.ko") + "\n");
    }

    @Test
    void dependenciesComeBeforeDependents() {
        List<String> order = new ModuleResolver(dir).loadOrder(List.of("virtio_blk"));

        assertThat(order).containsExactly(RING, VIRTIO, BLK);
    }

    @Test
    void sharedDependenciesAreLoadedOnceInFirstNeededPosition() {
        List<String> order = new ModuleResolver(dir).loadOrder(
                List.of("virtio_pci", "virtio_blk", "virtio_scsi", "virtio", "virtio_blk"));

        assertThat(order).containsExactly(MODERN, RING, VIRTIO, VIRTIO_PCI, BLK, SCSI_COMMON, SCSI_MOD, VIRTIO_SCSI);
        assertThat(order).doesNotHaveDuplicates();
        for (String module : order) {
            // every module's dependencies appear earlier in the list
            assertThat(order.subList(0, order.indexOf(module)))
                    .as("before %s", module)
                    .containsAll(depsOf(module));
        }
    }

    private List<String> depsOf(String module) {
        try {
            return Files.readAllLines(dir.resolve("modules.dep")).stream()
                    .filter(l -> l.startsWith(module + ":"))
                    .flatMap(l -> java.util.Arrays.stream(l.substring(l.indexOf(':') + 1).strip().split("\\s+")))
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void dashesAndUnderscoresInNamesAreTheSame() {
        ModuleResolver r = new ModuleResolver(dir);

        assertThat(r.loadOrder(List.of("xen_blkfront", "crc32c-intel"))).containsExactly(XEN_BLK, CRC_INTEL);
        assertThat(r.loadOrder(List.of("xen-blkfront", "crc32c_intel"))).containsExactly(XEN_BLK, CRC_INTEL);
        assertThat(r.loadOrder(List.of("virtio-blk"))).containsExactly(RING, VIRTIO, BLK);
    }

    @Test
    void builtInModulesAreSkippedWithoutError() {
        List<String> order = new ModuleResolver(dir).loadOrder(
                List.of("ata_piix", "overlay", "crc32c_generic", "crc32c-generic", "ext4"));

        assertThat(order).containsExactly(OVERLAY);
    }

    @Test
    void unknownModulesAreAllListedInOneError() {
        ModuleResolver r = new ModuleResolver(dir);

        assertThatThrownBy(() -> r.loadOrder(List.of("virtio_blk", "no_such_mod", "ext4", "vmw-pvscsi")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no_such_mod, vmw-pvscsi")
                .hasMessageNotContaining("virtio_blk")
                .hasMessageNotContaining("ext4");
    }

    @Test
    void worksWithoutModulesBuiltin() throws Exception {
        Files.delete(dir.resolve("modules.builtin"));
        ModuleResolver r = new ModuleResolver(dir);

        assertThat(r.loadOrder(List.of("overlay"))).containsExactly(OVERLAY);
        assertThatThrownBy(() -> r.loadOrder(List.of("ext4"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ext4");
    }

    @Test
    void missingModulesDepIsAnErrorNamingTheFolder() throws Exception {
        Files.delete(dir.resolve("modules.dep"));

        assertThatThrownBy(() -> new ModuleResolver(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void compressedModuleNamesResolveToo() throws Exception {
        Files.writeString(dir.resolve("modules.dep"),
                "kernel/fs/squashfs/squashfs.ko.xz:\nkernel/fs/erofs/erofs.ko.zst: kernel/lib/lz4_decompress.ko.zst\n"
                        + "kernel/lib/lz4_decompress.ko.zst:\n");

        assertThat(new ModuleResolver(dir).loadOrder(List.of("squashfs", "erofs"))).containsExactly(
                "kernel/fs/squashfs/squashfs.ko.xz", "kernel/lib/lz4_decompress.ko.zst", "kernel/fs/erofs/erofs.ko.zst");
    }
}
