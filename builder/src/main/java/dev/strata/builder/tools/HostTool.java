package dev.strata.builder.tools;

/**
 * A program the build runs on the host.
 *
 * @param command       program name looked up on PATH (or an absolute file for data-only tools)
 * @param debianPackage the Debian package that provides it
 * @param purpose       what Strata uses it for, shown by {@code strata doctor}
 */
public record HostTool(String command, String debianPackage, String purpose) {
}
