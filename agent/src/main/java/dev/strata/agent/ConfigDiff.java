package dev.strata.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changes between two configurations, part by part: how many items are added and removed,
 * and which. A change's answer carries the counts only unless the caller asks for the items
 * ({@link #counts()}): echoing 10,000 new rules back would be 2.5 MB of JSON that no one reads.
 */
public record ConfigDiff(Map<String, PartDiff> parts) {

    /** Items of one part that appear or disappear (a changed item is one removed plus one added); null lists when counted only. */
    @JsonPropertyOrder({"addedCount", "removedCount", "added", "removed"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartDiff(int addedCount, int removedCount, List<Object> added, List<Object> removed) {
        PartDiff(List<Object> added, List<Object> removed) {
            this(added.size(), removed.size(), added, removed);
        }
    }

    /** The same diff with the counts only. */
    public ConfigDiff counts() {
        Map<String, PartDiff> out = new LinkedHashMap<>();
        parts.forEach((k, v) -> out.put(k, new PartDiff(v.addedCount(), v.removedCount(), null, null)));
        return new ConfigDiff(out);
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
