package dev.strata.agent.plane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Spreads interval elements over as few sets as needed so that no set holds two overlapping
 * elements (the kernel refuses that): layer 0 is {@code name}, further layers {@code name_1}, ...
 * Each layer gets its own lookup rule, so a packet matching any layer matches. Identical
 * elements are merged. There is always at least one (maybe empty) layer, so the table's shape
 * stays the same when elements come and go.
 */
final class LayeredSet {

    private LayeredSet() {
    }

    static List<NftSet> layers(String name, String kind, String declaration, List<SetElement> elements) {
        List<Layer> layers = new ArrayList<>();
        for (SetElement e : new LinkedHashSet<>(elements)) {
            int layer = 0;
            while (layer < layers.size() && layers.get(layer).overlaps(e)) {
                layer++;
            }
            if (layer == layers.size()) {
                layers.add(new Layer());
            }
            layers.get(layer).add(e);
        }
        if (layers.isEmpty()) {
            layers.add(new Layer());
        }
        List<NftSet> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(new NftSet(i == 0 ? name : name + "_" + i, kind, declaration,
                    layers.get(i).elements.stream().map(SetElement::text).toList()));
        }
        return out;
    }

    /**
     * One layer's elements, indexed so that an overlap check looks at few candidates: elements
     * can only overlap when their exact fields are equal, and two elements whose first range is a
     * single value (one port, one ICMP type) only when that value is equal too. Elements with a
     * wider first range are compared with the whole group.
     */
    private static final class Layer {
        final List<SetElement> elements = new ArrayList<>();
        final Map<String, List<SetElement>> group = new HashMap<>();
        final Map<String, List<SetElement>> single = new HashMap<>();
        final Map<String, List<SetElement>> wide = new HashMap<>();

        boolean overlaps(SetElement e) {
            String key = e.exactKey();
            SetElement.Range r = e.firstRange();
            if (r != null && r.low() == r.high()) {
                return any(single.get(key + r.low()), e) || any(wide.get(key), e);
            }
            return any(group.get(key), e);
        }

        void add(SetElement e) {
            elements.add(e);
            String key = e.exactKey();
            group.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            SetElement.Range r = e.firstRange();
            if (r != null && r.low() == r.high()) {
                single.computeIfAbsent(key + r.low(), k -> new ArrayList<>()).add(e);
            } else {
                wide.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }

        private static boolean any(List<SetElement> candidates, SetElement e) {
            if (candidates != null) {
                for (SetElement c : candidates) {
                    if (c.overlaps(e)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
