package dev.strata.agent.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a service would do, as text: the exact files it writes (name relative to its folder ->
 * contents) and the actions it takes (reload, restart). A dry run answers it; golden files pin it.
 * {@code table} is what an in-process server swaps in (never serialised: it can hold secrets).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Plan(Map<String, String> files, List<String> actions, @JsonIgnore Object table) {
    public Plan {
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
        actions = actions == null ? List.of() : List.copyOf(actions);
    }
}
