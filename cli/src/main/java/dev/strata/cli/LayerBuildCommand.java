package dev.strata.cli;

import dev.strata.builder.layer.LayerBuild;
import dev.strata.builder.layer.LayerBuilder;
import dev.strata.builder.layer.RuntimeJars;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Layer;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileException;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.tools.MissingToolsException;
import dev.strata.layout.LayerException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata layer build}: only the layer of a profile (the template build makes it too). */
@Command(name = "build", usageHelpWidth = 100,
        description = {"Build only the /router layer of a profile (one signed squashfs file).", "",
            "It holds a jlink runtime, this CLI's jars (with the agent) and the profile's layer files, and is",
            "cached by the digest of every input: an unchanged layer is not rebuilt, and the same inputs",
            "give the same bytes.", "",
            "Example (a second version of the default layer, for a live upgrade):",
            "  strata layer build --version 4.22.0.1 --output dist/"})
final class LayerBuildCommand implements Callable<Integer> {

    // Not mixinStandardHelpOptions: its --version would take the name a layer's version needs here.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROFILE", defaultValue = "debian",
            description = "Profile file or name (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = {"-o", "--output"}, defaultValue = "dist", paramLabel = "DIR",
            description = "Folder for the layer file (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--version", paramLabel = "VERSION", description = "Layer version (default: the profile's layer.version).")
    String version;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "Private Ed25519 key (NAME.key with NAME.pub beside it). Default: the cache folder's build key.")
    Path signingKey;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache folder (default: ~/.cache/strata).")
    Path cacheDir;

    @Override
    public Integer call() {
        try {
            Profile loaded = new ProfileLoader().load(ProfileLocator.locate(profile));
            Layer layer = version == null ? loaded.layer() : loaded.layer().withVersion(version);
            Path cache = cacheDir != null ? cacheDir : BuildOptions.defaultCacheDir();
            LayerBuild.Built b = LayerBuild.into(layer, RuntimeJars.ofThisProcess(), signingKey, cache,
                    BuildOptions.defaultEpoch(), output, new Reporter(System.err));
            LayerBuilder.Result r = b.result();
            System.out.printf("%s  %s compressed, %s installed%s%n  content sha256 %s%n  signed by %s%n", b.file(),
                    Reporter.humanBytes(r.bytes()), Reporter.humanBytes(r.treeBytes()), r.cached() ? " (cached)" : "",
                    r.manifest().contentSha256(), b.key().publicFile());
            return 0;
        } catch (ProfileException | BuildFailure | MissingToolsException | LayerException | IllegalArgumentException e) {
            System.err.println("strata layer build: " + e.getMessage());
            return e instanceof MissingToolsException ? 3 : 2;
        } catch (java.io.UncheckedIOException e) {
            System.err.println("strata layer build: " + e.getMessage());
            return 2;
        }
    }
}
