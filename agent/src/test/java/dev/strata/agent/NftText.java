package dev.strata.agent;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code nft list table} output made comparable: counter values dropped, and lines and set
 * elements sorted, because the kernel lists the elements of a set reloaded whole in an order
 * of its own. Two tables with the same rules and elements compare equal.
 */
final class NftText {

    private NftText() {
    }

    static String normalized(String listing) {
        return Arrays.stream(listing.replaceAll("packets \\d+ bytes \\d+", "").split("[,{}\\n]"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .sorted()
                .collect(Collectors.joining("\n"));
    }
}
