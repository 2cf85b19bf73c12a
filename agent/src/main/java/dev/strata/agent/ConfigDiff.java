package dev.strata.agent;

import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What changes between two configurations, part by part: items added and items removed. */
public record ConfigDiff(Map<String, PartDiff> parts) {

    /** Items of one part that appear or disappear (a changed item is one removed plus one added). */
    public record PartDiff(List<Object> added, List<Object> removed) {
    }

    public static ConfigDiff between(RouterConfig before, RouterConfig after) {
        Map<String, PartDiff> out = new LinkedHashMap<>();
        for (ConfigPart p : ConfigPart.values()) {
            if (p.get(before) == p.get(after)) {
                continue; // the same immutable list: unchanged
            }
            Set<Object> a = new LinkedHashSet<>(p.get(before));
            Set<Object> b = new LinkedHashSet<>(p.get(after));
            List<Object> added = new ArrayList<>();
            List<Object> removed = new ArrayList<>();
            for (Object o : b) {
                if (!a.contains(o)) {
                    added.add(o);
                }
            }
            for (Object o : a) {
                if (!b.contains(o)) {
                    removed.add(o);
                }
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                out.put(p.jsonName(), new PartDiff(added, removed));
            }
        }
        return new ConfigDiff(out);
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }
}
