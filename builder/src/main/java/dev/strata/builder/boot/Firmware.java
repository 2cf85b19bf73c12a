package dev.strata.builder.boot;

import java.util.Locale;

/** Firmware a boot test starts the image with. */
public enum Firmware {
    /** SeaBIOS on the i440fx machine: CloudStack's KVM default. */
    BIOS,
    /** OVMF on the q35 machine: CloudStack's UEFI boot type. */
    UEFI;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
