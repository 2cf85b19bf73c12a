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
     * LSI Logic Fusion-MPT (QEMU's SAS1068, driver mptsas): the closest QEMU has to VMware's
     * LSI Logic controller (mptspi, same mptbase/mptscsih core).
     */
    LSI;

    List<String> qemuArgs(String file, String format) {
        String drive = "file=" + file + ",format=" + format + ",snapshot=on";
        return switch (this) {
            case VIRTIO -> List.of("-drive", drive + ",if=virtio");
            case IDE -> List.of("-drive", drive + ",if=ide");
            case SCSI -> List.of("-device", "virtio-scsi-pci,id=scsi0", "-drive", drive + ",if=none,id=disk0",
                    "-device", "scsi-hd,drive=disk0,bus=scsi0.0");
            case LSI -> List.of("-device", "mptsas1068,id=scsi0", "-drive", drive + ",if=none,id=disk0",
                    "-device", "scsi-hd,drive=disk0,bus=scsi0.0");
        };
    }
}
