package dev.strata.builder.profile;

import java.util.List;

/**
 * What the root filesystem is bootstrapped from.
 *
 * @param name         distribution, e.g. {@code debian}
 * @param suite        e.g. {@code bookworm}
 * @param release      major release number used in the guest OS name, e.g. {@code 12}
 * @param architecture Debian architecture, e.g. {@code amd64}
 * @param variant      mmdebstrap variant, e.g. {@code essential}
 * @param components   archive components, e.g. {@code [main]}
 */
public record Distribution(String name, String suite, String release, String architecture, String variant,
                           List<String> components) {

    public Distribution {
        components = List.copyOf(components);
    }

    /** The architecture as CloudStack spells it in file names and metadata.ini ({@code x86_64}, {@code aarch64}). */
    public String cloudstackArch() {
        return switch (architecture) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> architecture;
        };
    }
}
