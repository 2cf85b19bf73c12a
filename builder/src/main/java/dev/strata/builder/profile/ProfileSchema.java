package dev.strata.builder.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a profile file may contain and how a child's values combine with its parent's. One
 * description drives the key check, the type check and the {@code extends:} merge, so a key
 * added here is known to all three. Value rules (patterns, paths, sizes) live in
 * {@link ProfileBuilder}, which sees the merged result.
 */
final class ProfileSchema {

    /** The shape of a value. */
    sealed interface Shape permits Value, ListOf, Fields, MapOf {
    }

    /** A scalar (string, number or boolean; checked for meaning later). The child's replaces the parent's. */
    record Value() implements Shape {
    }

    /** How a child's list combines with its parent's. */
    enum ListMerge {
        /** Parent's items, then the child's that are not already there. */
        CONCAT,
        /** The child's list replaces the parent's. */
        REPLACE
    }

    /**
     * A list.
     *
     * @param identityKey for lists of mappings, the key whose value makes two entries "the same"
     *                    when concatenating (a child's entry then replaces the parent's in place);
     *                    null for lists of scalars, which are compared by text
     */
    record ListOf(Shape element, ListMerge merge, String identityKey) implements Shape {
    }

    /** A mapping with a fixed set of keys, merged key by key. */
    record Fields(Map<String, Shape> fields) implements Shape {
        Fields {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** A mapping with free keys (categories, hypervisors); a child's entry replaces the parent's entry. */
    record MapOf(Shape value) implements Shape {
    }

    private static final Value VALUE = new Value();
    private static final ListOf CONCAT_VALUES = new ListOf(VALUE, ListMerge.CONCAT, null);

    /** A file added to the image or to the layer; a child's entry for the same target replaces the parent's. */
    private static final ListOf FILES = new ListOf(
            fields("source", VALUE, "target", VALUE, "mode", VALUE), ListMerge.CONCAT, "target");

    /** The whole profile, keys in the order docs/profiles.md lists them (the order "allowed:" shows). */
    static final Fields PROFILE = fields(
            "schema", VALUE,
            "extends", VALUE,
            "name", VALUE,
            "description", VALUE,
            "version", VALUE,
            "distribution", fields(
                    "name", VALUE,
                    "suite", VALUE,
                    "release", VALUE,
                    "architecture", VALUE,
                    "variant", VALUE,
                    // A child naming components means "these", not "these as well".
                    "components", new ListOf(VALUE, ListMerge.REPLACE, null)),
            "packages", CONCAT_VALUES,
            "kernel", fields(
                    "package", VALUE,
                    "hypervisors", new MapOf(VALUE),
                    "modules", CONCAT_VALUES,
                    "initramfs-modules", CONCAT_VALUES,
                    "cmdline", VALUE),
            "files", FILES,
            "services", fields(
                    "enable", CONCAT_VALUES,
                    "disable", CONCAT_VALUES),
            "slim", fields(
                    "remove", new MapOf(new ListOf(VALUE, ListMerge.REPLACE, null)),
                    "keep", CONCAT_VALUES),
            "size", fields(
                    "root-image-max", VALUE,
                    "disk", VALUE,
                    "data", VALUE),
            "root-image", fields(
                    "filesystem", VALUE,
                    "compression", VALUE),
            // A child lists the outputs it wants; inheriting the parent's would be surprising.
            "outputs", new ListOf(fields(
                    "hypervisor", VALUE,
                    "format", VALUE,
                    "compression", VALUE), ListMerge.REPLACE, null),
            "layer", fields(
                    "name", VALUE,
                    "version", VALUE,
                    "min-root-version", VALUE,
                    "java-modules", CONCAT_VALUES,
                    "entry-point", VALUE,
                    "health-check", VALUE,
                    "health-timeout", VALUE,
                    "services", new MapOf(new ListOf(VALUE, ListMerge.REPLACE, null)),
                    "files", FILES),
            "extension", fields(
                    "name", VALUE,
                    "version", VALUE,
                    "packages", CONCAT_VALUES,
                    "files", FILES,
                    "links", new MapOf(VALUE)));

    private ProfileSchema() {
    }

    private static Fields fields(Object... keysAndShapes) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndShapes.length; i += 2) {
            fields.put((String) keysAndShapes[i], (Shape) keysAndShapes[i + 1]);
        }
        return new Fields(fields);
    }
}
