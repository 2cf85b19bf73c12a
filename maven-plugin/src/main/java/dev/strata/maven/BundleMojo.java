package dev.strata.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.bundle.BundleArtifacts;
import dev.strata.builder.format.BundleWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Attaches every file of a built bundle to the project as an artifact, so that {@code mvn install}
 * and {@code mvn deploy} publish the templates with the project. Classifier and type are chosen so
 * that Maven's file name is CloudStack's when the artifactId is {@code systemvmtemplate}:
 * {@code systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2} is classifier {@code x86_64-kvm}, type
 * {@code qcow2.bz2}; the layer {@code router-4.22.0.layer} is classifier {@code router-layer}, type
 * {@code layer}; {@code metadata.ini}, {@code md5sum.txt}, {@code sha512sum.txt},
 * {@code strata-bundle.json} and the SBOM keep their name as classifier and extension as type.
 * Every file named in strata-bundle.json must be there.
 */
@Mojo(name = "bundle", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BundleMojo extends StrataMojo {

    public BundleMojo() {
        super("bundle");
    }

    /** The bundle folder made by {@code strata:build} (also read as {@code outputDirectory}, build's name for it). */
    @Parameter(property = "strata.output", alias = "outputDirectory", defaultValue = "${project.build.directory}/systemvm")
    private File bundleDirectory;

    /** Skip attaching (also skipped with {@code strata.skipTemplates}, when no bundle was built). */
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
        Path dir = bundleDirectory.toPath();
        Path json = dir.resolve(BundleWriter.BUNDLE_JSON);
        if (!Files.isRegularFile(json)) {
            throw badParameter("bundleDirectory", "strata.output", "names " + dir + ", which holds no "
                    + BundleWriter.BUNDLE_JSON, "a bundle folder made by strata:build (run it first in the same build)");
        }
        List<String> missing = new ArrayList<>();
        try {
            JsonNode bundle = new ObjectMapper().readTree(json.toFile());
            for (String list : List.of("files", "layers")) {
                bundle.path(list).forEach(f -> {
                    if (!Files.isRegularFile(dir.resolve(f.path("name").asText()))) {
                        missing.add(f.path("name").asText());
                    }
                });
            }
            if (!missing.isEmpty()) {
                throw new MojoFailureException(goal() + ": " + dir + " lacks " + missing + " named in "
                        + BundleWriter.BUNDLE_JSON + "; rebuild it with strata:build");
            }
            try (Stream<Path> files = Files.list(dir)) {
                // Hidden files are the build's own bookkeeping (.strata-build-key), not the bundle.
                for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted().toList()) {
                    BundleArtifacts.Coordinates c = BundleArtifacts.of(f.getFileName().toString());
                    projectHelper.attachArtifact(project, c.type(), c.classifier(), f.toFile());
                    getLog().info("attached " + f.getFileName() + " as " + project.getArtifactId() + ":" + c.type()
                            + ":" + c.classifier());
                }
            }
        } catch (IOException e) {
            throw new MojoExecutionException(goal() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(goal() + ": " + e.getMessage(), e);
        }
    }
}
