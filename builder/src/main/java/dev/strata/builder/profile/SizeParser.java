package dev.strata.builder.profile;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as profiles write them: {@code 200MiB}, {@code 2GiB}, {@code 512KiB}, or a plain number
 * of bytes. Units are binary (1024-based); {@code K}, {@code M}, {@code G}, {@code T} are read
 * as KiB..TiB because that is what dd, truncate and qemu-img mean by them.
 */
public final class SizeParser {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(KiB|MiB|GiB|TiB|K|M|G|T)?");
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    /** How the error message says what is accepted. */
    public static final String ACCEPTED = "a number of bytes, or a whole number followed by KiB, MiB, GiB or TiB";

    private SizeParser() {
    }

    /** @return the size in bytes, or empty if the text is not a size or does not fit in a long */
    public static OptionalLong parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        int shift = m.group(2) == null ? 0 : 10 * (1 + "KMGT".indexOf(m.group(2).charAt(0)));
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(number << shift);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The largest exact unit: {@code 64MiB}, {@code 1536KiB}, {@code 1000 bytes}; for messages. */
    static String format(long bytes) {
        String text = bytes + " bytes";
        for (int i = 0; i < UNITS.length && bytes != 0 && bytes % (1024L << (10 * i)) == 0; i++) {
            text = (bytes >> (10 * (i + 1))) + UNITS[i];
        }
        return text;
    }
}
