package dev.strata.builder.profile;

import dev.strata.builder.profile.ProfileSchema.Fields;
import dev.strata.builder.profile.ProfileSchema.ListMerge;
import dev.strata.builder.profile.ProfileSchema.ListOf;
import dev.strata.builder.profile.ProfileSchema.MapOf;
import dev.strata.builder.profile.ProfileSchema.Shape;
import dev.strata.builder.profile.YamlNode.Entry;
import dev.strata.builder.profile.YamlNode.Mapping;
import dev.strata.builder.profile.YamlNode.Scalar;
import dev.strata.builder.profile.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges a child profile over its parent, following the rules in {@link ProfileSchema}:
 * mappings key by key, free-key mappings entry by entry, concatenated lists without
 * duplicates, everything else replaced. Nodes are moved, not copied, so each keeps the
 * location (and so the file) it was written in.
 */
final class ProfileMerger {

    private ProfileMerger() {
    }

    /** Both trees must have passed {@link SchemaChecker}. */
    static Mapping merge(Mapping parent, Mapping child) {
        return (Mapping) merge(parent, child, ProfileSchema.PROFILE);
    }

    private static YamlNode merge(YamlNode parent, YamlNode child, Shape shape) {
        if (shape instanceof Fields fields && parent instanceof Mapping p && child instanceof Mapping c) {
            return mergeMappings(p, c, key -> fields.fields().get(key));
        }
        if (shape instanceof MapOf) {
            // Categories and per-hypervisor entries: a child's entry replaces the parent's whole.
            return mergeMappings((Mapping) parent, (Mapping) child, key -> null);
        }
        if (shape instanceof ListOf list && list.merge() == ListMerge.CONCAT) {
            return concat((Sequence) parent, (Sequence) child, list.identityKey());
        }
        return child;
    }

    /** @param fieldShape the shape to merge a key present in both with, or null to take the child's */
    private static Mapping mergeMappings(Mapping parent, Mapping child,
                                         Function<String, Shape> fieldShape) {
        Map<String, Entry> merged = new LinkedHashMap<>(parent.entries());
        child.entries().forEach((key, entry) -> {
            Entry inherited = merged.get(key);
            Shape shape = fieldShape.apply(key);
            if (inherited == null || shape == null) {
                merged.put(key, entry);
            } else {
                merged.put(key, new Entry(entry.keyLocation(), merge(inherited.value(), entry.value(), shape)));
            }
        });
        return new Mapping(merged, child.location());
    }

    /**
     * Parent's items, then the child's; a child item equal to one already there replaces it in
     * place (same package: no-op; same file target: the child's file wins, where the parent put it).
     */
    private static Sequence concat(Sequence parent, Sequence child, String identityKey) {
        List<YamlNode> items = new ArrayList<>(parent.items());
        List<String> identities = new ArrayList<>();
        for (YamlNode item : items) {
            identities.add(identity(item, identityKey));
        }
        for (YamlNode item : child.items()) {
            String identity = identity(item, identityKey);
            int index = identity == null ? -1 : identities.indexOf(identity);
            if (index >= 0) {
                items.set(index, item);
            } else {
                items.add(item);
                identities.add(identity);
            }
        }
        return new Sequence(items, child.location());
    }

    /** What makes two list items the same, or null if the item can only be equal to itself. */
    private static String identity(YamlNode item, String identityKey) {
        if (item instanceof Mapping mapping && identityKey != null) {
            item = mapping.get(identityKey);
        }
        return item instanceof Scalar scalar ? scalar.text() : null;
    }
}
