package dev.strata.builder.profile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The hypervisors CloudStack runs system VMs on, with the names CloudStack itself uses for
 * them: the file-name suffix of tools/appliance/build.sh, the metadata.ini section and the
 * guest OS display name that SystemVmTemplateRegistration reads.
 */
public enum Hypervisor {
    KVM("kvm", "kvm", true),
    XENSERVER("xenserver", "xen", false),
    VMWARE("vmware", "vmware", false),
    HYPERV("hyperv", "hyperv", true),
    OVM3("ovm3", "ovm", true);

    private final String id;
    private final String fileSuffix;
    private final boolean debianGuestOs;

    Hypervisor(String id, String fileSuffix, boolean debianGuestOs) {
        this.id = id;
        this.fileSuffix = fileSuffix;
        this.debianGuestOs = debianGuestOs;
    }

    /** Name in profiles, in {@code router.template.<id>} and (with the arch for KVM) in metadata.ini. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The part of {@code systemvmtemplate-<ver>-<arch>-<suffix>.<ext>} naming the hypervisor. */
    public String fileSuffix() {
        return fileSuffix;
    }

    /** metadata.ini section: {@code kvm-<arch>} for KVM (the only multi-arch one), else the id. */
    public String metadataSection(String cloudstackArch) {
        return this == KVM ? "kvm-" + cloudstackArch : id;
    }

    /** Guest OS display name CloudStack registers the template with. */
    public String guestOs(String debianMajor) {
        return debianGuestOs ? "Debian GNU/Linux " + debianMajor + " (64-bit)" : "Other Linux (64-bit)";
    }

    @JsonCreator
    public static Hypervisor fromId(String id) {
        for (Hypervisor h : values()) {
            if (h.id.equals(id.toLowerCase(Locale.ROOT))) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown hypervisor '" + id + "'; allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Hypervisor::id).collect(Collectors.joining(", "));
    }
}
