package dev.strata.builder.profile;

import java.util.List;

/**
 * The {@code /router/<version>} layer: what changes with a release.
 *
 * @param name  layer name, e.g. {@code router}
 * @param files files placed in the layer, targets relative to the layer's root
 */
public record Layer(String name, List<FileEntry> files) {

    public Layer {
        files = List.copyOf(files);
    }
}
