package dev.strata.builder.profile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The read-only root filesystem type; see docs/root-image.md for the measurement behind the default. */
public enum RootFilesystem {
    EROFS("erofs"),
    SQUASHFS("squashfs");

    private final String id;

    RootFilesystem(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static RootFilesystem fromId(String id) {
        for (RootFilesystem f : values()) {
            if (f.id.equals(id.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown root filesystem '" + id + "'; allowed: erofs, squashfs");
    }
}
