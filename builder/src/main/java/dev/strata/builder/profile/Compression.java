package dev.strata.builder.profile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Compression applied to a finished disk file, as CloudStack ships it. */
public enum Compression {
    NONE("none", ""),
    BZIP2("bzip2", ".bz2"),
    ZIP("zip", ".zip");

    private final String id;
    private final String extension;

    Compression(String id, String extension) {
        this.id = id;
        this.extension = extension;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public String extension() {
        return extension;
    }

    @JsonCreator
    public static Compression fromId(String id) {
        for (Compression c : values()) {
            if (c.id.equals(id.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression '" + id + "'; allowed: "
                + Arrays.stream(values()).map(Compression::id).collect(Collectors.joining(", ")));
    }
}
