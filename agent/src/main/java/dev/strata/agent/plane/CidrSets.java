package dev.strata.agent.plane;

import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The smallest list of prefixes covering the same addresses: prefixes contained in another are
 * dropped, so an interval set never gets overlapping elements, which the kernel refuses. Two
 * prefixes either nest or are disjoint, so once they are sorted by first address (the shorter
 * first where equal), a prefix is covered exactly when the last one kept covers it: one sort and
 * one pass, whatever the number of prefixes.
 */
final class CidrSets {

    private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingInt(e -> e.bits.v4() ? 0 : 1)
            .thenComparing((a, b) -> Long.compareUnsigned(a.bits.hi(), b.bits.hi()))
            .thenComparing((a, b) -> Long.compareUnsigned(a.bits.lo(), b.bits.lo()))
            .thenComparingInt(e -> e.bits.prefix());

    private CidrSets() {
    }

    private record Entry(IpBits bits, Cidr cidr) {
    }

    /** The prefixes (as network addresses, e.g. 10.0.0.0/8) not contained in another, IPv4 first, by address. */
    static List<String> minimal(List<String> cidrs) {
        Entry[] sorted = new Entry[cidrs.size()];
        for (int i = 0; i < sorted.length; i++) {
            Cidr c = Net.cidr(cidrs.get(i)).orElseThrow();
            sorted[i] = new Entry(IpBits.of(c), c);
        }
        Arrays.sort(sorted, ORDER);
        List<String> out = new ArrayList<>();
        IpBits kept = null;
        for (Entry e : sorted) {
            if (kept != null && kept.prefix() <= e.bits.prefix() && e.bits.masked(kept.prefix()).equals(kept)) {
                continue; // inside the last prefix kept
            }
            kept = e.bits;
            out.add(e.cidr.network().toString());
        }
        return out;
    }
}
