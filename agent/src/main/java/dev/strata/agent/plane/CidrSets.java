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
        List<Cidr> sorted = cidrs.stream().map(s -> Net.cidr(s).orElseThrow().network())
                .sorted(Comparator.comparingInt(Cidr::prefix)).toList();
        Set<Cidr> kept = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Cidr c : sorted) {
            if (!coveredBy(kept, c)) {
                kept.add(c);
                out.add(c.toString());
            }
        }
        return out;
    }

    private static boolean coveredBy(Set<Cidr> kept, Cidr c) {
        for (int p = 0; p <= c.prefix(); p++) {
            if (kept.contains(new Cidr(c.address(), p).network())) {
                return true;
            }
        }
        return false;
    }
}
