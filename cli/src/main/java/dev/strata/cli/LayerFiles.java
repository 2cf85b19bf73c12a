package dev.strata.cli;

import dev.strata.layout.Deletion;
import dev.strata.layout.LayerException;
import dev.strata.layout.LayerImage;
import dev.strata.layout.LayerManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Lets the CLI treat a layer file like a layer folder: unpacked to a temporary folder, then deleted. */
final class LayerFiles {

    private LayerFiles() {
    }

    static <T> T withFolder(Path layer, Function<Path, T> use) {
        if (!Files.exists(layer)) {
            throw new LayerException("no such layer file or folder: " + layer);
        }
        if (Files.isDirectory(layer)) {
            return use.apply(layer);
        }
        if (!LayerImage.isImage(layer)) {
            throw new LayerException(layer + " is neither a layer folder nor a layer image (squashfs)");
        }
        Path parent = null;
        try {
            parent = Files.createTempDirectory("strata-layer-");
            Path tree = parent.resolve("layer");
            LayerImage.extract(layer, tree);
            return use.apply(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (parent != null) {
                try {
                    Deletion.deleteTree(parent);
                } catch (IOException e) {
                    System.err.println("strata layer: could not remove " + parent + ": " + e.getMessage());
                }
            }
        }
    }

    static LayerManifest manifestOf(Path dir) {
        try {
            return LayerManifest.parse(Files.readAllBytes(dir.resolve(LayerManifest.FILE)));
        } catch (IOException e) {
            throw new LayerException("not a layer: " + dir + " has no readable " + LayerManifest.FILE);
        }
    }
}
