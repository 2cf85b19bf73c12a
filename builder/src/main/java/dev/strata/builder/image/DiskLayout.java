package dev.strata.builder.image;

import java.util.List;
import java.util.UUID;

/**
 * Where each partition of a template disk goes. GPT, 1 MiB aligned:
 * boot (FAT32 EFI system partition, also BIOS-bootable), root (read-only image), data (ext4,
 * grown to the end of the disk on first boot). The partition names are the contract with the
 * init, which finds its partitions by name whatever the disk controller calls the disk.
 */
public record DiskLayout(long diskSize, List<Partition> partitions, UUID diskId) {

    public static final long SECTOR = 512;
    public static final long ALIGN = 1L << 20;

    public static final String GPT_ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    public static final String GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    /** One partition: name, GPT type, offset and size in bytes, unique id, BIOS-bootable flag. */
    public record Partition(String name, String type, long offset, long size, UUID uuid, boolean legacyBootable) {
    }

    public DiskLayout {
        partitions = List.copyOf(partitions);
    }

    /** Lays out boot, root and data in order; fails if they do not fit the disk size. */
    public static DiskLayout of(long diskSize, long bootSize, long rootSize, long dataSize, String seed) {
        long offset = ALIGN;
        long boot = align(bootSize);
        long root = align(rootSize);
        long data = align(dataSize);
        Partition p1 = new Partition("strata-boot", GPT_ESP, offset, boot, id(seed, "boot"), true);
        Partition p2 = new Partition("strata-root", GPT_LINUX, offset + boot, root, id(seed, "root"), false);
        Partition p3 = new Partition(DataPartitionBuilder.LABEL, GPT_LINUX, offset + boot + root, data,
                id(seed, "data"), false);
        long end = p3.offset() + p3.size() + ALIGN; // room for the backup GPT
        if (end > diskSize) {
            throw new IllegalArgumentException("the partitions need " + end + " bytes but the disk size is "
                    + diskSize + "; raise size.disk in the profile");
        }
        return new DiskLayout(diskSize, List.of(p1, p2, p3), id(seed, "disk"));
    }

    /** The sfdisk script that writes this table. */
    public String sfdiskScript() {
        StringBuilder s = new StringBuilder();
        s.append("label: gpt\n");
        s.append("label-id: ").append(diskId.toString().toUpperCase()).append('\n');
        s.append("unit: sectors\n");
        s.append("first-lba: 2048\n\n");
        for (Partition p : partitions) {
            s.append("start=").append(p.offset() / SECTOR)
                    .append(", size=").append(p.size() / SECTOR)
                    .append(", type=").append(p.type())
                    .append(", uuid=").append(p.uuid().toString().toUpperCase())
                    .append(", name=\"").append(p.name()).append('"');
            if (p.legacyBootable()) {
                s.append(", attrs=\"LegacyBIOSBootable\"");
            }
            s.append('\n');
        }
        return s.toString();
    }

    static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    static UUID id(String seed, String what) {
        return UUID.nameUUIDFromBytes(("strata:" + seed + ":" + what).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
