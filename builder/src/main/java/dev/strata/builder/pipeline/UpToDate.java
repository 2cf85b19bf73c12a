package dev.strata.builder.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.format.BundleWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * "Nothing changed": the output folder already holds the bundle of exactly these inputs. The
 * key (root cache key, layer inputs, outputs, sizes, download URL, extensions) is written as
 * {@value #KEY_FILE} into every bundle; a build whose key equals the output's, with every file of
 * its strata-bundle.json present at its recorded size, returns that bundle without making
 * anything. Files edited in place at the same size are not noticed (verify-bundle reads them).
 */
final class UpToDate {

    static final String KEY_FILE = ".strata-build-key";

    private UpToDate() {
    }

    /** The previous build's result when the output is this key's bundle, else null. */
    static BuildResult check(Path outputDir, String key, List<Reporter.StageReport> stages) {
        try {
            Path keyFile = outputDir.resolve(KEY_FILE);
            if (key == null || !Files.isRegularFile(keyFile)
                    || !Files.readString(keyFile, StandardCharsets.UTF_8).strip().equals(key)) {
                return null;
            }
            JsonNode bundle = new ObjectMapper().readTree(outputDir.resolve(BundleWriter.BUNDLE_JSON).toFile());
            List<BuildResult.OutputFile> files = new ArrayList<>();
            for (String list : List.of("files", "layers")) {
                for (JsonNode f : bundle.path(list)) {
                    BuildResult.OutputFile file = new BuildResult.OutputFile(f.path("name").asText(),
                            f.path("hypervisor").asText(), f.path("bytes").asLong(), f.path("sha256").asText());
                    Path p = outputDir.resolve(file.name());
                    if (file.name().contains("/") || !Files.isRegularFile(p) || Files.size(p) != file.bytes()) {
                        return null;
                    }
                    files.add(file);
                }
            }
            JsonNode root = bundle.path("rootImage");
            return new BuildResult(bundle.path("profile").asText(), bundle.path("version").asText(), outputDir, files,
                    root.path("sha256").asText(), root.path("bytes").asLong(), Map.of(), 0, stages);
        } catch (IOException | RuntimeException e) {
            return null; // anything unreadable: build
        }
    }
}
