package dev.strata.maven;

import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.BuildPipeline;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileException;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.tools.MissingToolsException;
import java.io.File;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * {@code strata:build}: builds a profile's template bundle (every hypervisor's disk file,
 * metadata.ini, checksums) into a folder, the same build as {@code strata build}.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = false,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class BuildMojo extends AbstractMojo {

    /** The profile file (YAML). */
    @Parameter(property = "strata.profile", required = true)
    private File profile;

    /** Where the bundle goes; replaced whole when the build succeeds. */
    @Parameter(property = "strata.output", defaultValue = "${project.build.directory}/systemvm")
    private File outputDirectory;

    /** Package and stage cache, reused by later builds. Default: ~/.cache/strata. */
    @Parameter(property = "strata.cache")
    private File cacheDirectory;

    /** Debian mirror URL; default: the host's apt sources. */
    @Parameter(property = "strata.mirror")
    private String mirror;

    /** Comma-separated hypervisors to build (default: all of the profile's outputs). */
    @Parameter(property = "strata.hypervisors")
    private String hypervisors;

    /** URL prefix for metadata.ini's downloadurl (default: the installed bundle folder, as a file URL). */
    @Parameter(property = "strata.downloadRepository", defaultValue = BundleWriter.DEFAULT_REPOSITORY)
    private String downloadRepository;

    /** Rebuild every stage even when a cached result matches its inputs. */
    @Parameter(property = "strata.noStageCache", defaultValue = "false")
    private boolean noStageCache;

    /**
     * Private Ed25519 key (from {@code strata layer keygen}) that signs the layer; its {@code .pub}
     * must sit beside it. Default: a build key made once in the cache folder.
     */
    @Parameter(property = "strata.signingKey")
    private File signingKey;

    /** The layer's jars are this project's runtime dependencies (the CLI and the agent). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(property = "strata.skipTemplates", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("strata:build skipped (strata.skipTemplates)");
            return;
        }
        Profile loaded;
        try {
            loaded = new ProfileLoader().load(profile.toPath());
        } catch (ProfileException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        Set<String> only = hypervisors == null || hypervisors.isBlank() ? Set.of()
                : Arrays.stream(hypervisors.split(",")).map(String::strip).collect(Collectors.toSet());
        BuildOptions options = new BuildOptions(outputDirectory.toPath(),
                cacheDirectory != null ? cacheDirectory.toPath() : BuildOptions.defaultCacheDir(), mirror,
                BuildOptions.defaultEpoch(), only, !noStageCache, downloadRepository, false)
                .withLayer(project.getArtifacts().stream().map(a -> a.getFile().toPath())
                        .filter(p -> p.toString().endsWith(".jar")).sorted().toList(),
                        signingKey == null ? null : signingKey.toPath());
        try {
            BuildResult result = new BuildPipeline(new Reporter(System.out)).build(loaded, options);
            getLog().info("template bundle in " + result.outputDir() + " (" + result.files().size() + " files, "
                    + Reporter.seconds(result.totalMillis()) + ")");
        } catch (BuildFailure | MissingToolsException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("strata:build failed: " + e.getMessage(), e);
        }
    }
}
