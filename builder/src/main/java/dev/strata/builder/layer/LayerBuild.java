package dev.strata.builder.layer;

import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Layer;
import dev.strata.builder.tools.CommandRunner;
import dev.strata.builder.tools.HostTools;
import dev.strata.layout.Deletion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Builds one layer into a folder: what {@code strata layer build} and {@code strata:layer} both
 * run (host tools, signing key, the cached {@link LayerBuilder}, the file copied out).
 */
public final class LayerBuild {

    /** The layer file in the output folder and what the builder reported. */
    public record Built(Path file, LayerBuilder.Result result, SigningKey key) {
    }

    private LayerBuild() {
    }

    /**
     * @param signingKey private key file, or null for the cache folder's build key
     */
    public static Built into(Layer layer, List<Path> jars, Path signingKey, Path cacheDir, long epoch, Path outputDir,
                             Reporter reporter) {
        Path work = cacheDir.resolve("work").resolve("layer-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(work);
            try {
                CommandRunner runner = new CommandRunner(work.resolve("build.log"));
                HostTools.ensure(List.of("layer"), runner, reporter::info);
                SigningKey key = SigningKey.resolve(signingKey, cacheDir, reporter::info);
                LayerBuilder.Result r = new LayerBuilder(runner).build(new LayerBuilder.Inputs(layer, jars,
                        key.privateKey(), key.publicKey(), epoch), cacheDir, work);
                Files.createDirectories(outputDir);
                Path out = outputDir.resolve(r.file().getFileName());
                Files.copy(r.file(), out, StandardCopyOption.REPLACE_EXISTING);
                return new Built(out, r, key);
            } finally {
                Deletion.deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the layer into " + outputDir + ": " + e.getMessage(), e);
        }
    }
}
