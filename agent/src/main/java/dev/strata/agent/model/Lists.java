package dev.strata.agent.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Immutable copies of JSON lists: null (field absent) becomes empty; null items are kept for the validator to name. */
final class Lists {

    private Lists() {
    }

    static <T> List<T> of(List<T> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        // List.copyOf refuses null items; keep them so that validation reports "field[3]: missing" instead of a crash.
        return Collections.unmodifiableList(new ArrayList<>(list));
    }
}
