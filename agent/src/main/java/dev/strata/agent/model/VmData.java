package dev.strata.agent.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the metadata service answers one guest (by its source address): user-data (base64, at
 * most 1 MiB decoded) and meta-data keys (CloudStack's vmdata bag).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VmData(String ip, String userData, Map<String, String> metaData) {
    public VmData {
        // Sorted: the index lists keys in a stable order, and equal items compare equal.
        metaData = metaData == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metaData));
    }
}
