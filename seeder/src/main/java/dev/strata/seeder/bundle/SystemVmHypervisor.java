package dev.strata.seeder.bundle;

import java.util.Arrays;
import java.util.Optional;

/**
 * The hypervisors CloudStack ships system VM templates for, with the names the database uses.
 *
 * <p>Facts from SystemVmTemplateRegistration: {@code hypervisor_type} strings (HypervisorType
 * enum names), the image format and its file extension per hypervisor, the
 * {@code router.template.*} setting, and the guest OS id the server falls back to when the
 * metadata's guest OS name is not in {@code guest_os} (99 "Other Linux (64-bit)" for VMware and
 * XenServer, 363 "Debian GNU/Linux 12 (64-bit)" otherwise).
 */
public enum SystemVmHypervisor {
    KVM("KVM", "kvm", "QCOW2", "qcow2", 363),
    VMWARE("VMware", "vmware", "OVA", "ova", 99),
    XENSERVER("XenServer", "xenserver", "VHD", "vhd", 99),
    HYPERV("Hyperv", "hyperv", "VHD", "vhd", 363),
    LXC("LXC", "lxc", "QCOW2", "qcow2", 363),
    OVM3("Ovm3", "ovm3", "RAW", "raw", 363);

    private final String databaseName;
    private final String sectionPrefix;
    private final String imageFormat;
    private final String extension;
    private final long fallbackGuestOsId;

    SystemVmHypervisor(String databaseName, String sectionPrefix, String imageFormat, String extension,
                       long fallbackGuestOsId) {
        this.databaseName = databaseName;
        this.sectionPrefix = sectionPrefix;
        this.imageFormat = imageFormat;
        this.extension = extension;
        this.fallbackGuestOsId = fallbackGuestOsId;
    }

    /** {@code cluster.hypervisor_type} / {@code vm_template.hypervisor_type} value. */
    public String databaseName() {
        return databaseName;
    }

    /** metadata.ini section name without the architecture; also the {@code router.template.} suffix. */
    public String sectionPrefix() {
        return sectionPrefix;
    }

    /** {@code vm_template.format}. */
    public String imageFormat() {
        return imageFormat;
    }

    /** Extension of the file on secondary storage and prefix of its template.properties keys. */
    public String extension() {
        return extension;
    }

    public long fallbackGuestOsId() {
        return fallbackGuestOsId;
    }

    /** {@code configuration.name} that tells the server which template new routers use. */
    public String routerTemplateSetting() {
        return "router.template." + sectionPrefix;
    }

    public static Optional<SystemVmHypervisor> fromDatabaseName(String name) {
        return Arrays.stream(values()).filter(h -> h.databaseName.equalsIgnoreCase(name)).findFirst();
    }

    /** The hypervisor a metadata.ini section is for: {@code kvm-x86_64} -> KVM, {@code vmware} -> VMware. */
    public static Optional<SystemVmHypervisor> fromSection(String section) {
        String prefix = section.contains("-") ? section.substring(0, section.indexOf('-')) : section;
        return Arrays.stream(values()).filter(h -> h.sectionPrefix.equals(prefix)).findFirst();
    }
}
