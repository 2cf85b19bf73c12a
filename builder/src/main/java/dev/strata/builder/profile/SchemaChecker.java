package dev.strata.builder.profile;

import dev.strata.builder.profile.ProfileSchema.Fields;
import dev.strata.builder.profile.ProfileSchema.ListOf;
import dev.strata.builder.profile.ProfileSchema.MapOf;
import dev.strata.builder.profile.ProfileSchema.Shape;
import dev.strata.builder.profile.ProfileSchema.Value;
import dev.strata.builder.profile.YamlNode.Entry;
import dev.strata.builder.profile.YamlNode.Mapping;
import dev.strata.builder.profile.YamlNode.Scalar;
import dev.strata.builder.profile.YamlNode.ScalarKind;
import dev.strata.builder.profile.YamlNode.Sequence;
import java.util.List;
import java.util.Map;

/**
 * Checks one file's tree against {@link ProfileSchema}: every key known, every value of the
 * right kind. It runs on each file before merging, so that a misspelt key is reported in the
 * file that has it, and so that the merger and the builder can rely on the shapes.
 */
final class SchemaChecker {

    private SchemaChecker() {
    }

    /** @throws ProfileException at the first unknown key or wrongly typed value */
    static void check(YamlNode root) {
        check(root, ProfileSchema.PROFILE, "");
    }

    private static void check(YamlNode node, Shape shape, String path) {
        // Java 17 has no pattern matching in switch, hence the instanceof chain.
        if (shape instanceof Value) {
            if (!(node instanceof Scalar scalar) || scalar.kind() == ScalarKind.NULL) {
                throw wrongType(node, "a string", path);
            }
        } else if (shape instanceof ListOf list) {
            if (!(node instanceof Sequence sequence)) {
                throw wrongType(node, "a list", path);
            }
            List<YamlNode> items = sequence.items();
            for (int i = 0; i < items.size(); i++) {
                check(items.get(i), list.element(), path + "[" + i + "]");
            }
        } else if (shape instanceof Fields fields) {
            for (Map.Entry<String, Entry> e : mapping(node, path).entries().entrySet()) {
                Shape field = fields.fields().get(e.getKey());
                if (field == null) {
                    throw new ProfileException(e.getValue().keyLocation(), "unknown key '" + e.getKey() + "' in "
                            + (path.isEmpty() ? "profile" : path) + "; allowed: "
                            + String.join(", ", fields.fields().keySet()));
                }
                check(e.getValue().value(), field, join(path, e.getKey()));
            }
        } else if (shape instanceof MapOf map) {
            for (Map.Entry<String, Entry> e : mapping(node, path).entries().entrySet()) {
                check(e.getValue().value(), map.value(), join(path, e.getKey()));
            }
        }
    }

    private static Mapping mapping(YamlNode node, String path) {
        if (node instanceof Mapping mapping) {
            return mapping;
        }
        throw wrongType(node, "a mapping", path);
    }

    private static ProfileException wrongType(YamlNode node, String expected, String path) {
        String where = path.isEmpty() ? "at the top of the profile" : "for '" + path + "'";
        return new ProfileException(node.location(), "expected " + expected + " " + where + ", found "
                + node.describe());
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
