package dev.strata.maven;

import dev.strata.builder.layer.LayerBuild;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Layer;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.MissingToolsException;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Builds only the profile's {@code /router} layer (one signed squashfs file), as
 * {@code strata layer build} does: a jlink runtime, this project's runtime jars and the
 * profile's layer files; cached by the digest of every input, reproducible.
 */
@Mojo(name = "layer", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = false,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class LayerMojo extends StrataMojo {

    public LayerMojo() {
        super("layer");
    }

    /** The profile: a Strata profile YAML file (docs/profiles.md) whose {@code layer:} section is built. */
    @Parameter(property = "strata.profile", required = true)
    private File profile;

    /** Folder the layer file ({@code <name>-<version>.layer}) is written to. */
    @Parameter(property = "strata.layerOutput", defaultValue = "${project.build.directory}/layer")
    private File outputDirectory;

    /**
     * Layer version ({@code x.y.z[.w]}, digits only), e.g. {@code 4.22.0.1} for a live upgrade of a
     * 4.22.0 template. Default: the profile's {@code layer.version}.
     */
    @Parameter(property = "strata.layerVersion")
    private String layerVersion;

    /**
     * Private Ed25519 key (from {@code strata layer keygen}) that signs the layer; its {@code .pub}
     * must sit beside it. Default: a build key made once in the cache folder.
     */
    @Parameter(property = "strata.signingKey")
    private File signingKey;

    /** Skip this goal. */
    @Parameter(property = "strata.skipLayer", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(goal() + " skipped (strata.skipLayer)");
            return;
        }
        Profile loaded = loadProfile(profile);
        Layer layer = loaded.layer();
        if (layerVersion != null && !layerVersion.isBlank()) {
            if (!layerVersion.matches("\\d+(\\.\\d+){2,3}")) {
                throw badParameter("layerVersion", "strata.layerVersion", "is '" + layerVersion + "'",
                        "a version of three or four numbers, e.g. 4.22.0.1");
            }
            layer = layer.withVersion(layerVersion);
        }
        if (signingKey != null && !signingKey.isFile()) {
            throw badParameter("signingKey", "strata.signingKey", "names " + signingKey + ", which does not exist",
                    "a private key file made by 'strata layer keygen NAME' (NAME.key, with NAME.pub beside it)");
        }
        try {
            LayerBuild.Built b = LayerBuild.into(layer, layerJars(), signingKey == null ? null : signingKey.toPath(),
                    cacheDir(), BuildOptions.defaultEpoch(), outputDirectory.toPath(), new Reporter(System.out));
            getLog().info("layer " + b.file() + ": " + Reporter.humanBytes(b.result().bytes()) + " compressed, "
                    + Reporter.humanBytes(b.result().treeBytes()) + " installed" + (b.result().cached() ? " (cached)" : "")
                    + ", content sha256 " + b.result().manifest().contentSha256());
        } catch (BuildFailure | MissingToolsException e) {
            throw new MojoFailureException(goal() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException(goal() + " failed: " + e.getMessage(), e);
        }
    }
}
