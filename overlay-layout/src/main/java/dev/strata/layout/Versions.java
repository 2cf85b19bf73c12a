package dev.strata.layout;

import java.util.Comparator;

/**
 * Orders version strings as people expect: dot- and dash-separated parts, numeric parts
 * compared as numbers ({@code 4.9 < 4.22}), other parts as text; a missing part is lower
 * ({@code 4.22 < 4.22.1}).
 */
public final class Versions {

    public static final Comparator<String> ORDER = Versions::compare;

    private Versions() {
    }

    public static int compare(String a, String b) {
        String[] x = a.split("[.\\-+_]");
        String[] y = b.split("[.\\-+_]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            if (i >= x.length) {
                return -1;
            }
            if (i >= y.length) {
                return 1;
            }
            int c = comparePart(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int comparePart(String p, String q) {
        boolean pn = p.matches("\\d{1,18}");
        boolean qn = q.matches("\\d{1,18}");
        if (pn && qn) {
            return Long.compare(Long.parseLong(p), Long.parseLong(q));
        }
        if (pn != qn) {
            return pn ? 1 : -1; // 1.0.1 > 1.0.rc1: a number outranks a label
        }
        return p.compareTo(q);
    }
}
