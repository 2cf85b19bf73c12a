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
    private final RenderCache under;

    public RenderCache() {
        this(null);
    }

    private RenderCache(RenderCache under) {
        this.under = under;
    }

    /**
     * A cache that reuses this one's sections but keeps what it renders to itself: a dry run
     * must not leave a configuration that was never applied (10,000 rules: megabytes) in the
     * cache of the one that is.
     */
    public RenderCache overlay() {
        return new RenderCache(this);
    }

    Entry get(String section) {
        Entry e = entries.get(section);
        return e == null && under != null ? under.get(section) : e;
    }

    void put(String section, Entry e) {
        entries.put(section, e);
    }
}
