package dev.strata.agent.plane;

import java.io.IOException;
import java.util.List;

/**
 * A named set or map of the strata table: its declaration (type, flags) and its elements, in
 * nft's own syntax. Elements are kept apart from the table's structure so that a change which
 * only adds or removes elements can be loaded as element updates instead of a new table.
 */
public record NftSet(String name, String kind, String declaration, List<String> elements) {

    public NftSet {
        elements = List.copyOf(elements);
    }

    /** The declaration without elements: two sets with equal shapes can be updated element by element. */
    public String shape() {
        return kind + " " + name + " { " + declaration + " }";
    }

    void writeTo(Appendable b) throws IOException {
        b.append("  ").append(kind).append(' ').append(name).append(" {\n    ").append(declaration).append('\n');
        if (!elements.isEmpty()) {
            b.append("    elements = {\n");
            for (int i = 0; i < elements.size(); i++) {
                b.append("      ").append(elements.get(i)).append(i + 1 < elements.size() ? ",\n" : "\n");
            }
            b.append("    }\n");
        }
        b.append("  }\n");
    }
}
