package dev.strata.builder.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it was written. Jackson's own tree has no
 * positions, and positions keyed by JSON pointer break as soon as {@code extends:} merging
 * concatenates lists; carrying the location on the node keeps it right through the merge.
 */
sealed interface YamlNode {

    SourceLocation location();

    /** How an error message names this kind of value ("found a list"). */
    String describe();

    /** What YAML resolved a plain scalar to; kept so messages can say "found a number". */
    enum ScalarKind { STRING, NUMBER, BOOLEAN, NULL }

    /**
     * A scalar with its text exactly as written (YAML's {@code 0644} stays {@code "0644"},
     * not 420), so that modes, versions and releases read the same quoted or not.
     */
    record Scalar(String text, ScalarKind kind, SourceLocation location) implements YamlNode {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "nothing (null)";
            };
        }
    }

    record Sequence(List<YamlNode> items, SourceLocation location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A mapping key's position (for "unknown key" errors) and its value. */
    record Entry(SourceLocation keyLocation, YamlNode value) {
    }

    /** A mapping, in the order the keys were written. */
    record Mapping(Map<String, Entry> entries, SourceLocation location) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        /** The value under {@code key}, or null if the key is absent. */
        YamlNode get(String key) {
            Entry entry = entries.get(key);
            return entry == null ? null : entry.value();
        }

        Mapping without(String key) {
            Map<String, Entry> copy = new LinkedHashMap<>(entries);
            copy.remove(key);
            return new Mapping(copy, location);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }
}
