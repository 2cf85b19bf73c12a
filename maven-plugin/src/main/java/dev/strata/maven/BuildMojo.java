package dev.strata.maven;

import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.BuildPipeline;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.MissingToolsException;
import dev.strata.release.CycloneDxSbom;
import java.io.File;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Builds a profile's template bundle: one file per hypervisor, the layer, {@code metadata.ini},
 * {@code md5sum.txt}, {@code sha512sum.txt}, {@code strata-bundle.json} and the CycloneDX SBOM
 * {@code bom.cdx.json}; the same build as {@code strata build} (which writes no SBOM). The layer's jars are this project's runtime dependencies (depend on
 * {@code dev.strata:cli}). The output folder is replaced only when the whole build succeeded.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = false,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class BuildMojo extends StrataMojo {

    public BuildMojo() {
        super("build");
    }

    /** The profile: a Strata profile YAML file (docs/profiles.md), e.g. {@code profiles/debian.yaml}. */
    @Parameter(property = "strata.profile", required = true)
    private File profile;

    /** Where the bundle goes; replaced whole when the build succeeds. */
    @Parameter(property = "strata.output", defaultValue = "${project.build.directory}/systemvm")
    private File outputDirectory;

    /** Debian mirror URL to bootstrap from. Default: this host's apt sources for the profile's suite. */
    @Parameter(property = "strata.mirror")
    private String mirror;

    /**
     * Comma-separated hypervisors to build, among the profile's outputs ({@code kvm}, {@code xenserver},
     * {@code vmware}, {@code hyperv}, {@code ovm3}). Default: all of the profile's outputs.
     */
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

    /** Skip the template build (e.g. for a quick unit-test run). */
    @Parameter(property = "strata.skipTemplates", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(goal() + " skipped (strata.skipTemplates)");
            return;
        }
        Profile loaded = loadProfile(profile);
        Set<String> only = hypervisorList(hypervisors, loaded);
        if (!downloadRepository.matches("(https?://|file:///)\\S+/")) {
            throw badParameter("downloadRepository", "strata.downloadRepository", "is '" + downloadRepository + "'",
                    "an http://, https:// or file:/// URL ending in '/'");
        }
        BuildOptions options = new BuildOptions(outputDirectory.toPath(), cacheDir(), mirror,
                BuildOptions.defaultEpoch(), only, !noStageCache, downloadRepository, false)
                .withLayer(layerJars(), signingKey == null ? null : signingKey.toPath());
        try {
            BuildResult result = new BuildPipeline(new Reporter(System.out), List.of(new CycloneDxSbom()))
                    .build(loaded, options);
            getLog().info("template bundle in " + result.outputDir() + " (" + result.files().size() + " files, "
                    + Reporter.seconds(result.totalMillis()) + ")");
        } catch (BuildFailure | MissingToolsException e) {
            throw new MojoFailureException(goal() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException(goal() + " failed: " + e.getMessage(), e);
        }
    }
}
