package dev.strata.builder.profile;

import dev.strata.builder.profile.YamlNode.Entry;
import dev.strata.builder.profile.YamlNode.Mapping;
import dev.strata.builder.profile.YamlNode.Scalar;
import dev.strata.builder.profile.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a merged mapping that may be absent (an optional section left out), with
 * "missing required key" errors placed at the nearest mapping that was written. Types are not
 * re-checked: {@link SchemaChecker} has already seen every file, so the casts hold.
 */
final class MappingReader {

    private final Mapping mapping;
    private final String path;
    private final SourceLocation where;

    /**
     * @param mapping the mapping, or null if the section is absent
     * @param path    dotted path for messages ({@code distribution}, {@code files[1]}); "" for the root
     * @param where   where to report a missing key: the mapping, or the closest written ancestor
     */
    private MappingReader(Mapping mapping, String path, SourceLocation where) {
        this.mapping = mapping;
        this.path = path;
        this.where = where;
    }

    static MappingReader root(Mapping root) {
        return new MappingReader(root, "", root.location());
    }

    /** The nested section under {@code key}; reads from it are empty if it is absent. */
    MappingReader section(String key) {
        YamlNode node = node(key);
        return new MappingReader((Mapping) node, name(key), node == null ? where : node.location());
    }

    /** @throws ProfileException if the key is absent or its value is empty */
    Scalar required(String key) {
        Scalar scalar = (Scalar) node(key);
        if (scalar == null) {
            throw new ProfileException(where, "missing required key '" + name(key) + "'");
        }
        if (scalar.text().isBlank()) {
            throw new ProfileException(scalar.location(), "'" + name(key) + "' must not be empty");
        }
        return scalar;
    }

    /** @return the scalar, or null if absent */
    Scalar optional(String key) {
        return (Scalar) node(key);
    }

    String text(String key, String fallback) {
        Scalar scalar = optional(key);
        return scalar == null ? fallback : scalar.text();
    }

    /** @return the list, or null if absent */
    Sequence sequence(String key) {
        return (Sequence) node(key);
    }

    /** The items of a list of scalars; empty if absent. */
    List<Scalar> scalars(String key) {
        Sequence sequence = sequence(key);
        List<Scalar> scalars = new ArrayList<>();
        if (sequence != null) {
            sequence.items().forEach(item -> scalars.add((Scalar) item));
        }
        return scalars;
    }

    /** The items of a list of mappings, each readable on its own; empty if absent. */
    List<MappingReader> sections(String key) {
        Sequence sequence = sequence(key);
        List<MappingReader> sections = new ArrayList<>();
        for (int i = 0; sequence != null && i < sequence.items().size(); i++) {
            Mapping item = (Mapping) sequence.items().get(i);
            sections.add(new MappingReader(item, name(key) + "[" + i + "]", item.location()));
        }
        return sections;
    }

    /** The entries of a free-key mapping (categories, hypervisors); empty if absent. */
    Map<String, Entry> entries() {
        return mapping == null ? Map.of() : mapping.entries();
    }

    /** The full dotted name of a key of this mapping, for messages. */
    String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    SourceLocation location() {
        return where;
    }

    private YamlNode node(String key) {
        return mapping == null ? null : mapping.get(key);
    }
}
