package dev.strata.builder.boot;

import java.util.List;

/**
 * How a boot test went.
 *
 * @param passed      the ready marker appeared on the serial console
 * @param firmware    BIOS or UEFI
 * @param accelerator kvm or tcg
 * @param millis      time from start to the marker (or to the failure)
 * @param readyLine   the console line with the marker
 * @param consoleTail the last console lines, for the failure message
 * @param reason      why it failed, or empty
 */
public record BootResult(boolean passed, Firmware firmware, String accelerator, long millis, String readyLine,
                         List<String> consoleTail, String reason) {

    public BootResult {
        consoleTail = List.copyOf(consoleTail);
    }
}
