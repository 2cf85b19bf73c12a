package dev.strata.maven;

import dev.strata.builder.bundle.BundleVerifier;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.SizeParser;
import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks a built bundle before it is published: every file against {@code md5sum.txt} and
 * {@code sha512sum.txt}; {@code metadata.ini} (the profile's version, one section per template,
 * each checksum the file's sha512); {@code strata-bundle.json} (profile, version, each file's size);
 * and the sizes against the profile's budget ({@code size.root-image-max}, templates no larger than
 * {@code size.disk}, and {@code maxTemplateSize} when set). Fails listing every problem.
 */
@Mojo(name = "verify-bundle", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyBundleMojo extends StrataMojo {

    public VerifyBundleMojo() {
        super("verify-bundle");
    }

    /** The profile the bundle was built from: a Strata profile YAML file. */
    @Parameter(property = "strata.profile", required = true)
    private File profile;

    /** The bundle folder made by {@code strata:build} (also read as {@code outputDirectory}, build's name for it). */
    @Parameter(property = "strata.output", alias = "outputDirectory", defaultValue = "${project.build.directory}/systemvm")
    private File bundleDirectory;

    /**
     * Largest allowed template file as shipped (compressed), e.g. {@code 120MiB} or {@code 1GiB} or a
     * number of bytes. Default: no limit beyond the disk's virtual size.
     */
    @Parameter(property = "strata.maxTemplateSize")
    private String maxTemplateSize;

    /** Skip the check (also skipped with {@code strata.skipTemplates}). */
    @Parameter(property = "strata.skipTemplates", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(goal() + " skipped (strata.skipTemplates)");
            return;
        }
        Profile loaded = loadProfile(profile);
        long max = 0;
        if (maxTemplateSize != null && !maxTemplateSize.isBlank()) {
            java.util.OptionalLong parsed = SizeParser.parse(maxTemplateSize);
            if (parsed.isEmpty() || parsed.getAsLong() == 0) {
                throw badParameter("maxTemplateSize", "strata.maxTemplateSize", "is '" + maxTemplateSize + "'",
                        SizeParser.ACCEPTED + " (e.g. 120MiB)");
            }
            max = parsed.getAsLong();
        }
        BundleVerifier.Report report;
        try {
            report = new BundleVerifier().verify(bundleDirectory.toPath(), loaded, max);
        } catch (IOException e) {
            throw new MojoExecutionException(goal() + ": " + e.getMessage(), e);
        }
        report.checked().forEach(c -> getLog().info("checked: " + c));
        if (!report.ok()) {
            report.problems().forEach(p -> getLog().error(p));
            throw new MojoFailureException(goal() + ": " + bundleDirectory + ": " + report.problems().size()
                    + " problem(s): " + String.join("; ", report.problems()));
        }
        getLog().info("bundle " + bundleDirectory + " is good");
    }
}
