package dev.strata.builder.profile;

/** One template file to produce: for a hypervisor, in a disk format, compressed. */
public record Output(Hypervisor hypervisor, DiskFormat format, Compression compression) {

    /** CloudStack's file name: {@code systemvmtemplate-<ver>-<arch>-<hv>.<ext>[.bz2|.zip]}. */
    public String fileName(String version, String cloudstackArch) {
        return "systemvmtemplate-" + version + "-" + cloudstackArch + "-" + hypervisor.fileSuffix() + "."
                + format.id() + compression.extension();
    }
}
