package dev.strata.maven;

import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileException;
import dev.strata.builder.profile.ProfileLoader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every Strata goal shares: the profile, the cache folder, the project. Each goal is a thin
 * adapter over the code the {@code strata} CLI runs; a bad parameter fails the goal with the
 * parameter's name and what it accepts, before anything is built.
 */
abstract class StrataMojo extends AbstractMojo {

    /** The current project (its runtime dependencies are the layer's jars). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * Package and stage cache (downloaded .debs, the bootstrapped root tree, built layers, the
     * layer signing key), reused by later builds. Default: {@code ~/.cache/strata}, or
     * {@code $XDG_CACHE_HOME/strata}.
     */
    @Parameter(property = "strata.cache")
    protected File cacheDirectory;

    private final String goal;

    /** @param goal the goal's name, for messages (the Mojo annotation is not kept at run time) */
    protected StrataMojo(String goal) {
        this.goal = "strata:" + goal;
    }

    protected final String goal() {
        return goal;
    }

    protected final Path cacheDir() {
        return cacheDirectory != null ? cacheDirectory.toPath() : BuildOptions.defaultCacheDir();
    }

    protected final MojoFailureException badParameter(String name, String property, String problem, String accepts) {
        return new MojoFailureException(goal() + ": parameter '" + name + "'" + (property == null ? "" : " (-D" + property + ")")
                + " " + problem + "; it accepts " + accepts);
    }

    /** Loads and checks the profile, or fails naming the parameter (missing file) or the file:line:column (bad profile). */
    protected final Profile loadProfile(File profile) throws MojoFailureException {
        String accepts = "the path of a Strata profile YAML file (e.g. profiles/debian.yaml; see docs/profiles.md)";
        if (profile == null) {
            throw badParameter("profile", "strata.profile", "is not set", accepts);
        }
        Path file = profile.toPath();
        if (!Files.isRegularFile(file)) {
            throw badParameter("profile", "strata.profile", "names " + file.toAbsolutePath() + ", which does not exist",
                    accepts);
        }
        try {
            return new ProfileLoader().load(file);
        } catch (ProfileException e) {
            throw new MojoFailureException(goal() + ": invalid profile: " + e.getMessage(), e);
        }
    }

    /** A comma-separated hypervisor list, each checked against the profile's outputs. */
    protected final Set<String> hypervisorList(String value, Profile profile) throws MojoFailureException {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        List<String> known = profile.outputs().stream().map(o -> o.hypervisor().id()).toList();
        Set<String> out = new LinkedHashSet<>();
        for (String h : Arrays.stream(value.split(",")).map(String::strip).toList()) {
            if (!known.contains(h)) {
                throw badParameter("hypervisors", "strata.hypervisors", "has '" + h + "'",
                        "a comma-separated list of the profile's hypervisors " + known);
            }
            out.add(h);
        }
        return out;
    }

    /** The project's runtime jars: the layer's {@code lib/} (the CLI and the agent with their dependencies). */
    protected final List<Path> layerJars() {
        return project.getArtifacts().stream().map(a -> a.getFile().toPath())
                .filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
}
