package dev.strata.builder.pipeline;

import dev.strata.builder.layer.ExtensionBuilder;
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

    /** Folder of the system VM extension's images on the data partition ({@code /data/systemvm} in the VM). */
    static final String EXTENSIONS = "systemvm";

    /**
     * @param extension the system VM extension, or null: its image goes to {@code systemvm/} as is
     *                  (merged from there, never unpacked) with {@code latest} naming it
     */
    static Path withLayer(LayerBuilder.Result layer, ExtensionBuilder.Result extension, long dataSize, Path into) {
        long extensionBytes = extension == null ? 0 : extension.bytes();
        if (layer.treeBytes() + extensionBytes + HEADROOM > dataSize) {
            throw new BuildFailure("data-partition", "layer " + layer.manifest().version() + " needs "
                    + Reporter.humanBytes(layer.treeBytes()) + " installed"
                    + (extension == null ? "" : " and the extension " + Reporter.humanBytes(extensionBytes))
                    + ", more than size.data ("
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
            if (extension != null) {
                Path ext = Files.createDirectories(into.resolve(EXTENSIONS));
                String name = extension.file().getFileName().toString();
                Files.copy(extension.file(), ext.resolve(name));
                Files.createSymbolicLink(ext.resolve(LayerStore.LATEST), Path.of(name));
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
