package dev.strata.agent.plane;

import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The smallest list of prefixes covering the same addresses: prefixes contained in another are
 * dropped (two prefixes either nest or are disjoint), so an interval set never gets overlapping
 * elements, which the kernel refuses. Linear in the number of prefixes times the address length.
 */
final class CidrSets {

    private CidrSets() {
    }

    static List<String> minimal(List<String> cidrs) {
        List<Cidr> sorted = cidrs.stream().map(s -> Net.cidr(s).orElseThrow())
                .sorted(Comparator.comparingInt(Cidr::prefix)).toList();
        Set<IpBits> kept = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Cidr c : sorted) {
            IpBits b = IpBits.of(c);
            if (!coveredBy(kept, b)) {
                kept.add(b);
                out.add(c.network().toString());
            }
        }
        return out;
    }

    private static boolean coveredBy(Set<IpBits> kept, IpBits c) {
        for (int p = 0; p <= c.prefix(); p++) {
            if (kept.contains(c.masked(p))) {
                return true;
            }
        }
        return false;
    }
}
