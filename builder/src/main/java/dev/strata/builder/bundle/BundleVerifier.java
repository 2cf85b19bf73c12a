package dev.strata.builder.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.format.ChecksumFiles;
import dev.strata.builder.format.ChecksumMismatch;
import dev.strata.builder.format.MetadataEntry;
import dev.strata.builder.format.MetadataIni;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a built bundle before it is published: both checksum lists against the files,
 * {@code metadata.ini} against the files and the profile (version, one section per template,
 * each checksum the file's sha512), {@code strata-bundle.json} against the files (sizes), and
 * the sizes against the profile's budget. Reads every file once more; changes nothing.
 */
public final class BundleVerifier {

    /** What was checked, and every problem found (empty: the bundle is good). */
    public record Report(List<String> checked, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * @param maxTemplateBytes largest allowed template file (compressed, as shipped); 0: no limit
     */
    public Report verify(Path dir, Profile profile, long maxTemplateBytes) throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Report(checked, List.of(dir + ": no such bundle folder (build it first: strata:build)"));
        }
        for (ChecksumMismatch m : ChecksumFiles.verify(dir)) {
            problems.add(m.toString());
        }
        checked.add("md5sum.txt and sha512sum.txt against every file they list");

        JsonNode bundle = readBundleJson(dir, problems);
        Map<String, String> sha512 = sha512List(dir);
        if (bundle != null) {
            checkBundleJson(dir, bundle, profile, maxTemplateBytes, sha512, checked, problems);
            checkMetadata(dir, bundle, profile, sha512, checked, problems);
        }
        return new Report(List.copyOf(checked), List.copyOf(problems));
    }

    private static JsonNode readBundleJson(Path dir, List<String> problems) {
        Path file = dir.resolve(BundleWriter.BUNDLE_JSON);
        if (!Files.isRegularFile(file)) {
            problems.add(file + ": missing");
            return null;
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            problems.add(file + ": not valid JSON: " + e.getMessage());
            return null;
        }
    }

    private static Map<String, String> sha512List(Path dir) throws IOException {
        Map<String, String> out = new HashMap<>();
        Path list = dir.resolve(ChecksumFiles.SHA512_LIST);
        if (Files.isRegularFile(list)) {
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\\s+\\*?", 2);
                if (parts.length == 2) {
                    out.put(parts[1], parts[0]);
                }
            }
        }
        return out;
    }

    private static void checkBundleJson(Path dir, JsonNode bundle, Profile profile, long maxTemplateBytes,
                                        Map<String, String> sha512, List<String> checked, List<String> problems)
            throws IOException {
        String json = BundleWriter.BUNDLE_JSON;
        if (!profile.name().equals(bundle.path("profile").asText())) {
            problems.add(json + ": profile is '" + bundle.path("profile").asText() + "', expected '" + profile.name() + "'");
        }
        if (!profile.version().equals(bundle.path("version").asText())) {
            problems.add(json + ": version is '" + bundle.path("version").asText() + "', expected '" + profile.version() + "'");
        }
        long rootBytes = bundle.path("rootImage").path("bytes").asLong(-1);
        long rootMax = profile.size().rootImageMax();
        if (rootBytes < 0) {
            problems.add(json + ": rootImage.bytes missing");
        } else if (rootBytes > rootMax) {
            problems.add("root image is " + Reporter.humanBytes(rootBytes) + ", over the profile's size.root-image-max of "
                    + Reporter.humanBytes(rootMax));
        }
        checked.add("root image " + Reporter.humanBytes(Math.max(rootBytes, 0)) + " <= size.root-image-max "
                + Reporter.humanBytes(rootMax));
        List<JsonNode> all = new ArrayList<>();
        bundle.path("files").forEach(all::add);
        bundle.path("layers").forEach(all::add);
        if (bundle.path("files").isEmpty()) {
            problems.add(json + ": files is empty (no template in the bundle)");
        }
        for (JsonNode f : all) {
            String name = f.path("name").asText();
            Path file = dir.resolve(name);
            if (name.isEmpty() || name.contains("/") || !Files.isRegularFile(file)) {
                problems.add(json + ": lists '" + name + "', which is not a file of the bundle");
                continue;
            }
            long size = Files.size(file);
            if (size != f.path("bytes").asLong()) {
                problems.add(name + ": " + size + " bytes, " + json + " says " + f.path("bytes").asLong());
            }
            if (!sha512.containsKey(name)) {
                problems.add(name + ": not in " + ChecksumFiles.SHA512_LIST);
            }
            boolean layer = "layer".equals(f.path("hypervisor").asText());
            if (!layer && size > profile.size().diskSize()) {
                problems.add(name + ": " + Reporter.humanBytes(size) + ", larger than the disk's virtual size "
                        + Reporter.humanBytes(profile.size().diskSize()));
            }
            if (!layer && maxTemplateBytes > 0 && size > maxTemplateBytes) {
                problems.add(name + ": " + Reporter.humanBytes(size) + ", over the budget of "
                        + Reporter.humanBytes(maxTemplateBytes) + " (maxTemplateSize)");
            }
        }
        checked.add(all.size() + " files: sizes as in " + json + ", each in " + ChecksumFiles.SHA512_LIST
                + (maxTemplateBytes > 0 ? ", templates <= " + Reporter.humanBytes(maxTemplateBytes) : ""));
    }

    private static void checkMetadata(Path dir, JsonNode bundle, Profile profile, Map<String, String> sha512,
                                      List<String> checked, List<String> problems) throws IOException {
        Path ini = dir.resolve("metadata.ini");
        if (!Files.isRegularFile(ini)) {
            problems.add(ini + ": missing");
            return;
        }
        List<MetadataEntry> entries;
        Map<String, Map<String, String>> parsed;
        try {
            parsed = MetadataIni.parse(Files.readString(ini, StandardCharsets.UTF_8));
            entries = MetadataIni.entries(parsed);
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add("metadata.ini: " + e.getMessage());
            return;
        }
        String version = parsed.getOrDefault("default", Map.of()).get("version");
        String expected = profile.version().split("\\.").length == 3 ? profile.version() + ".0" : profile.version();
        if (!expected.equals(version)) {
            problems.add("metadata.ini: [default] version = " + version + ", expected " + expected);
        }
        List<String> templates = new ArrayList<>();
        bundle.path("files").forEach(f -> templates.add(f.path("name").asText()));
        for (MetadataEntry e : entries) {
            Path file = dir.resolve(e.fileName());
            if (!Files.isRegularFile(file)) {
                problems.add("metadata.ini: [" + e.section() + "] filename = " + e.fileName() + ": no such file in the bundle");
                continue;
            }
            String listed = sha512.get(e.fileName());
            String actual = listed != null ? listed : ChecksumFiles.digest(file).sha512();
            if (!e.sha512().equalsIgnoreCase(actual)) {
                problems.add("metadata.ini: [" + e.section() + "] checksum is not the sha512 of " + e.fileName());
            }
            templates.remove(e.fileName());
        }
        for (String missing : templates) {
            problems.add("metadata.ini: no section for " + missing);
        }
        checked.add("metadata.ini: version " + version + ", " + entries.size() + " sections, checksums = sha512 of the files");
    }
}
