package dev.strata.builder.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a build produced: the bundle folder, each output file with its size and SHA-256, the
 * root image digest (the reproducibility check compares it), and every stage's report.
 */
public record BuildResult(String profile, String version, Path outputDir, List<OutputFile> files,
                          String rootImageSha256, long rootImageBytes, Map<String, Long> slimmedBytes,
                          long totalMillis, List<Reporter.StageReport> stages) {

    public record OutputFile(String name, String hypervisor, long bytes, String sha256) {
        /** The bundle's /router layer file (its "hypervisor" is {@code layer}): not a template. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        /** A Strata piece (the router layer, the system VM extension), not a template. */
        public boolean isLayer() {
            return hypervisor.equals("layer") || hypervisor.equals("extension");
        }

    }

    public BuildResult {
        files = List.copyOf(files);
        slimmedBytes = Map.copyOf(slimmedBytes);
        stages = List.copyOf(stages);
    }
}
