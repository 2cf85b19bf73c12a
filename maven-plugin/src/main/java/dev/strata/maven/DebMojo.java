package dev.strata.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.release.ManagementPackage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Packages a built bundle for the management server as a Debian package (written by jdeb): the
 * bundle under {@code /usr/share/cloudstack-management/templates/systemvm/}, the {@code strata}
 * CLI ({@code /usr/bin/strata}; this project's runtime jars, which must include
 * {@code dev.strata:cli}, in {@code /usr/share/strata/lib/}), and a postinst that runs
 * {@code strata seed --quiet --defer-older-schema} on install and upgrade and never fails the
 * installation for a reason the operator can fix later. The .deb is attached (type {@code deb}).
 */
@Mojo(name = "deb", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class DebMojo extends StrataMojo {

    public DebMojo() {
        super("deb");
    }

    /** The bundle folder made by {@code strata:build} (also read as {@code outputDirectory}, build's name for it). */
    @Parameter(property = "strata.output", alias = "outputDirectory", defaultValue = "${project.build.directory}/systemvm")
    private File bundleDirectory;

    /** Debian package name (lower case letters, digits, {@code + - .}). */
    @Parameter(property = "strata.deb.name", defaultValue = ManagementPackage.DEFAULT_NAME)
    private String packageName;

    /** Debian version. Default: the bundle's template version (strata-bundle.json), e.g. {@code 4.22.0}. */
    @Parameter(property = "strata.deb.version")
    private String packageVersion;

    /** Folder the package ({@code <name>_<version>_all.deb}) is written to. */
    @Parameter(property = "strata.deb.output", defaultValue = "${project.build.directory}")
    private File outputDirectory;

    /** Skip the package (also skipped with {@code strata.skipTemplates}). */
    @Parameter(property = "strata.skipTemplates", defaultValue = "false")
    private boolean skip;

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(goal() + " skipped (strata.skipTemplates)");
            return;
        }
        Path json = bundleDirectory.toPath().resolve(BundleWriter.BUNDLE_JSON);
        if (!Files.isRegularFile(json)) {
            throw badParameter("bundleDirectory", "strata.output", "names " + bundleDirectory + ", which holds no "
                    + BundleWriter.BUNDLE_JSON, "a bundle folder made by strata:build (run it first in the same build)");
        }
        String version = packageVersion;
        try {
            if (version == null || version.isBlank()) {
                version = new ObjectMapper().readTree(json.toFile()).path("version").asText();
            }
            if (layerJars().stream().noneMatch(p -> p.getFileName().toString().startsWith("cli-"))) {
                throw new MojoFailureException(goal() + ": the project's runtime dependencies lack dev.strata:cli, "
                        + "which the package installs as /usr/bin/strata; add it as a dependency");
            }
            Path out = outputDirectory.toPath().resolve(packageName + "_" + version + "_all.deb");
            Files.createDirectories(outputDirectory.toPath());
            ManagementPackage.write(new ManagementPackage.Spec(packageName, version, bundleDirectory.toPath(), layerJars(),
                    BuildOptions.defaultEpoch()), out, m -> getLog().debug(m));
            projectHelper.attachArtifact(project, "deb", out.toFile());
            getLog().info("package " + out + " (" + Files.size(out) / (1 << 20) + " MiB)");
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("package name")) {
                throw badParameter("packageName", "strata.deb.name", "is '" + packageName + "'",
                        "a Debian package name: lower-case letters, digits, '+', '-', '.', at least two characters");
            }
            if (e.getMessage().startsWith("package version")) {
                throw badParameter("packageVersion", "strata.deb.version", "is '" + version + "'",
                        "a Debian version: a digit first, then letters, digits, '.', '+', '~', '-'");
            }
            throw new MojoFailureException(goal() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(goal() + ": " + e.getMessage(), e);
        }
    }
}
