package dev.strata.builder.profile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Disk formats a template can be written in; the id is also the file extension. */
public enum DiskFormat {
    QCOW2("qcow2"),
    VHD("vhd"),
    OVA("ova"),
    RAW("raw");

    private final String id;

    DiskFormat(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static DiskFormat fromId(String id) {
        for (DiskFormat f : values()) {
            if (f.id.equals(id.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + id + "'; allowed: "
                + Arrays.stream(values()).map(DiskFormat::id).collect(Collectors.joining(", ")));
    }
}
