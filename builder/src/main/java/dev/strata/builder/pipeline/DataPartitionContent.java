package dev.strata.builder.pipeline;

import dev.strata.builder.layer.LayerBuilder;
import dev.strata.layout.Deletion;
import dev.strata.layout.LayerImage;
import dev.strata.layout.LayerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a new template's data partition holds: the layer, installed as the running VM would
 * install it ({@code router/<version>/}), with {@code latest} and {@code known-good} pointing at
 * it. A template's first layer is known-good by construction: it was tested with its root image.
 */
final class DataPartitionContent {

    /** Room left for the overlays and state on first boot, before the partition is grown. */
    private static final long HEADROOM = 24L * 1024 * 1024;

    private DataPartitionContent() {
    }

    static Path withLayer(LayerBuilder.Result layer, long dataSize, Path into) {
        if (layer.treeBytes() + HEADROOM > dataSize) {
            throw new BuildFailure("data-partition", "layer " + layer.manifest().version() + " needs "
                    + Reporter.humanBytes(layer.treeBytes()) + " installed, more than size.data ("
                    + Reporter.humanBytes(dataSize) + ") less " + Reporter.humanBytes(HEADROOM)
                    + " of headroom; raise size.data in the profile");
        }
        try {
            Deletion.deleteTree(into);
            Path router = into.resolve("router");
            Files.createDirectories(router);
            String version = layer.manifest().version();
            LayerImage.extract(layer.file(), router.resolve(version));
            Files.createSymbolicLink(router.resolve(LayerStore.LATEST), Path.of(version));
            Files.createSymbolicLink(router.resolve(LayerStore.KNOWN_GOOD), Path.of(version));
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
