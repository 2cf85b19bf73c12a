package dev.strata.builder.boot;

import java.util.List;

/**
 * How the boot test attaches the disk: each hypervisor's first boot goes through a different
 * controller, and the initramfs must have the driver for it.
 */
public enum DiskBus {
    /** virtio-blk: KVM. */
    VIRTIO,
    /** Emulated IDE (ata_piix on the pc machine): how Xen HVM and Hyper-V Gen 1 boot. */
    IDE,
    /** virtio-scsi with a SCSI disk (sd_mod). */
    SCSI,
    /**
     * VMware's paravirtual SCSI controller (driver vmw_pvscsi). QEMU has no LSI Logic 53c1030
     * (VMware's default, driver mptspi); its SAS1068 (mptsas) finds no disk under TCG here, so
     * PVSCSI is the VMware controller a boot test can use.
     */
    PVSCSI;

    List<String> qemuArgs(String file, String format) {
        String drive = "file=" + file + ",format=" + format + ",snapshot=on";
        return switch (this) {
            case VIRTIO -> List.of("-drive", drive + ",if=virtio");
            case IDE -> List.of("-drive", drive + ",if=ide");
            case SCSI -> List.of("-device", "virtio-scsi-pci,id=scsi0", "-drive", drive + ",if=none,id=disk0",
                    "-device", "scsi-hd,drive=disk0,bus=scsi0.0");
            case PVSCSI -> List.of("-device", "pvscsi,id=scsi0", "-drive", drive + ",if=none,id=disk0",
                    "-device", "scsi-hd,drive=disk0,bus=scsi0.0");
        };
    }
}
