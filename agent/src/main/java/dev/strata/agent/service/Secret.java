package dev.strata.agent.service;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A password, key or pre-shared key. Its JSON form and {@code toString} are {@code "<redacted>"},
 * so no read path that serialises it (GET, history, CLI output, logs) can echo it; only the
 * service that needs the value calls {@link #reveal()}.
 */
public final class Secret {

    public static final String REDACTED = "<redacted>";

    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public String reveal() {
        return value;
    }

    @JsonValue
    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
