package dev.strata.builder.layer;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.layout.LayerKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.function.Consumer;

/**
 * The key that signs layers, and whose public half the root image trusts. Release builds pass
 * their own ({@code --signing-key}); otherwise a build key is made once in the cache folder and
 * reused, so that rebuilds on one machine stay byte-identical and its layers install on its
 * templates.
 *
 * @param privateKey the private key
 * @param publicKey  the public key
 * @param publicFile the {@code NAME.pub} file baked into the root image's trusted keys
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, Path publicFile) {

    public static final String DEFAULT_NAME = "strata-build";

    public static SigningKey resolve(Path configured, Path cacheDir, Consumer<String> say) {
        Path keyFile = configured;
        if (keyFile == null) {
            keyFile = cacheDir.resolve("keys").resolve(DEFAULT_NAME + ".key");
            if (!Files.exists(keyFile)) {
                try {
                    Files.createDirectories(keyFile.getParent());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                LayerKeys.generate(keyFile.resolveSibling(DEFAULT_NAME));
                say.accept("made a layer signing key " + keyFile + " (for releases, pass your own with --signing-key)");
            }
        }
        if (!Files.isRegularFile(keyFile)) {
            throw new BuildFailure("layer", "signing key " + keyFile + " does not exist (make one with `strata layer keygen NAME`)");
        }
        String name = keyFile.getFileName().toString().replaceFirst("\\.key$", "");
        Path pub = keyFile.resolveSibling(name + ".pub");
        if (!Files.isRegularFile(pub)) {
            throw new BuildFailure("layer", "signing key " + keyFile + " has no public half " + pub
                    + " beside it (the root image must trust it)");
        }
        return new SigningKey(LayerKeys.readPrivate(keyFile), LayerKeys.readPublic(pub), pub);
    }
}
