package dev.strata.builder.format;

import java.util.Objects;

/**
 * Virtual hardware described in the OVF of a system VM OVA.
 *
 * <p>{@link #cloudStackSystemVm()} mirrors the .vmx that upstream's tools/appliance/build.sh
 * (stage_vmx) feeds to ovftool: numvcpus 1, memsize 256, scsi0.virtualDev lsilogic with the disk on
 * scsi0:0, an IDE CD-ROM (ide0:0, not connected at power on), firmware bios, guestos otherlinux-64,
 * virtualHW.version 13, and no ethernet device: CloudStack adds the NICs itself when it deploys the
 * VM. The CPU and memory are defaults only; the service offering decides the real ones.
 *
 * @param vcpus             number of virtual CPUs
 * @param memoryMb          memory in MiB
 * @param scsiSubType       SCSI controller rasd:ResourceSubType (lsilogic, lsilogicsas, pvscsi, ...)
 * @param osType            vmw:osType, VMware's guest id (otherLinux64Guest for "otherlinux-64")
 * @param cimOsId           OperatingSystemSection ovf:id, the CIM OS type (101 = "Other Linux 64-bit",
 *                          what ovftool writes for otherLinux64Guest)
 * @param virtualSystemType vssd:VirtualSystemType, VMware's hardware version (vmx-13 = ESXi 6.5+)
 * @param firmware          "bios" or "efi", written as the vmw:Config key "firmware"
 * @param cdrom             whether to add the IDE controller with an empty CD-ROM drive
 */
public record OvaHardware(int vcpus, int memoryMb, String scsiSubType, String osType, int cimOsId,
                          String virtualSystemType, String firmware, boolean cdrom) {

    public OvaHardware {
        if (vcpus < 1 || memoryMb < 4) {
            throw new IllegalArgumentException("need at least 1 vCPU and 4 MiB of memory");
        }
        Objects.requireNonNull(scsiSubType, "scsiSubType");
        Objects.requireNonNull(osType, "osType");
        Objects.requireNonNull(virtualSystemType, "virtualSystemType");
        if (!firmware.equals("bios") && !firmware.equals("efi")) {
            throw new IllegalArgumentException("firmware must be bios or efi: " + firmware);
        }
    }

    /** The hardware of CloudStack's own systemvm OVA (see class comment). */
    public static OvaHardware cloudStackSystemVm() {
        return new OvaHardware(1, 256, "lsilogic", "otherLinux64Guest", 101, "vmx-13", "bios", true);
    }
}
