package dev.strata.agent.plane;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rendered sections of the last configuration, by section name, with the inputs they were made from. */
public final class RenderCache {

    /** What one section produced from its inputs. */
    record Entry(List<Object> inputs, List<NftSet> sets, List<String> counters, Object result) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    Entry get(String section) {
        return entries.get(section);
    }

    void put(String section, Entry e) {
        entries.put(section, e);
    }
}
