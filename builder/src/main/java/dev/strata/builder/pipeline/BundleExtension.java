package dev.strata.builder.pipeline;

import dev.strata.builder.profile.Profile;
import java.nio.file.Path;
import java.util.List;

/**
 * A file more in the bundle, made from what the bundle already holds (metadata.ini,
 * strata-bundle.json, the templates) in the staging folder before it is published, run as a
 * stage of its own. How the build gets an SBOM without the builder (and so the layer, which
 * carries the builder's jars) depending on an SBOM library.
 */
public interface BundleExtension {

    /** The stage name in the build's report, e.g. {@code sbom}. */
    String stage();

    /** One line for the progress report. */
    String description();

    /**
     * Writes this extension's files into {@code bundleDir}.
     *
     * @return the names of the files written, for the report
     */
    List<String> write(Profile profile, Path bundleDir, long sourceDateEpoch);
}
