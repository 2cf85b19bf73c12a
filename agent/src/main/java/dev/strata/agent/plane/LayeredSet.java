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
        List<List<SetElement>> layers = new ArrayList<>();
        // Per layer, elements grouped by their exact fields: only those can overlap each other.
        List<Map<String, List<SetElement>>> index = new ArrayList<>();
        for (SetElement e : new LinkedHashSet<>(elements)) {
            String key = e.exactKey();
            int layer = 0;
            while (layer < layers.size() && overlapsAny(index.get(layer).get(key), e)) {
                layer++;
            }
            if (layer == layers.size()) {
                layers.add(new ArrayList<>());
                index.add(new HashMap<>());
            }
            layers.get(layer).add(e);
            index.get(layer).computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<NftSet> out = new ArrayList<>();
        if (layers.isEmpty()) {
            layers.add(List.of());
        }
        for (int i = 0; i < layers.size(); i++) {
            out.add(new NftSet(i == 0 ? name : name + "_" + i, kind, declaration,
                    layers.get(i).stream().map(SetElement::text).toList()));
        }
        return out;
    }

    private static boolean overlapsAny(List<SetElement> group, SetElement e) {
        if (group == null) {
            return false;
        }
        for (SetElement g : group) {
            if (g.overlaps(e)) {
                return true;
            }
        }
        return false;
    }
}
