package dev.strata.builder.profile;

import java.util.List;

/** systemd units to enable and to disable (mask) in the root filesystem. */
public record Services(List<String> enable, List<String> disable) {

    public Services {
        enable = List.copyOf(enable);
        disable = List.copyOf(disable);
    }
}
