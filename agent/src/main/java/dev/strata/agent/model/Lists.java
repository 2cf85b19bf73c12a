package dev.strata.agent.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Immutable copies of JSON lists: null (field absent) becomes empty; null items are kept for the validator to name. */
final class Lists {

    private Lists() {
    }

    /** The class of the lists made here: passed in again (a config rebuilt from parts), they are kept, not copied. */
    private static final Class<?> OURS = Collections.unmodifiableList(new ArrayList<>()).getClass();

    static <T> List<T> of(List<T> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        if (list.getClass() == OURS) {
            // Unchanged parts keep their identity, so the renderer's cache recognises them without comparing items.
            return list;
        }
        // List.copyOf refuses null items; keep them so that validation reports "field[3]: missing" instead of a crash.
        return Collections.unmodifiableList(new ArrayList<>(list));
    }
}
