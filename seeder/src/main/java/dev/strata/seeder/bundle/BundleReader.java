package dev.strata.seeder.bundle;

import dev.strata.builder.format.MetadataEntry;
import dev.strata.builder.format.MetadataIni;
import dev.strata.seeder.SeedException;
import dev.strata.seeder.config.ServerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a bundle folder: CloudStack's {@code metadata.ini} (parsed by the builder's
 * {@link MetadataIni}, the same code that writes it) and the files it names. Reading never hashes
 * the files: that is {@link BundleVerifier}'s job, done only when something is to be written.
 */
public final class BundleReader {

    public static final String METADATA_FILE = "metadata.ini";
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(\\.\\d+)?");

    private BundleReader() {
    }

    public static Bundle read(Path dir) {
        return read(dir, Optional.empty(), "");
    }

    /**
     * @param mirror      {@code system.vm.templates.download.repository}, when server.properties sets it
     * @param mirrorSource where it was read, for error messages
     */
    public static Bundle read(Path dir, Optional<String> mirror, String mirrorSource) {
        Path ini = dir.resolve(METADATA_FILE);
        String text;
        try {
            text = Files.readString(ini, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SeedException(SeedException.Kind.BUNDLE, "no " + METADATA_FILE + " in " + dir
                    + ": point --bundle at the folder holding the templates (default "
                    + "/usr/share/cloudstack-management/templates/systemvm)");
        } catch (AccessDeniedException e) {
            throw new SeedException(SeedException.Kind.PERMISSION, "cannot read " + ini + ": permission denied; run as root");
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.BUNDLE, "cannot read " + ini + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> parsed;
        List<MetadataEntry> entries;
        try {
            parsed = MetadataIni.parse(text);
            entries = MetadataIni.entries(parsed);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SeedException(SeedException.Kind.BUNDLE, ini + ": " + e.getMessage(), e);
        }
        Map<String, String> defaults = parsed.get("default");
        String version = defaults == null ? null : defaults.get("version");
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new SeedException(SeedException.Kind.BUNDLE, ini + ": [default] version must be x.y.z[.w], got '"
                    + version + "'");
        }
        String bundleRepository = defaults.get("downloadrepository");
        List<BundledTemplate> templates = new ArrayList<>();
        for (MetadataEntry e : entries) {
            SystemVmHypervisor hv = SystemVmHypervisor.fromSection(e.section()).orElseThrow(() ->
                    new SeedException(SeedException.Kind.BUNDLE, ini + ": unknown section [" + e.section()
                            + "]; CloudStack reads " + MetadataIni.SECTION_ORDER));
            String arch = MetadataIni.archOf(e.section());
            if (e.fileName().equals(".") || e.fileName().equals("..") || e.fileName().equals(METADATA_FILE)) {
                throw new SeedException(SeedException.Kind.BUNDLE, ini + ": [" + e.section() + "] filename '"
                        + e.fileName() + "' is not a template file");
            }
            if (templates.stream().anyMatch(t -> t.hypervisor() == hv && t.arch().equals(arch))) {
                // e.g. [vmware] and [vmware-x86_64]: the server would take the arch-specific one only.
                throw new SeedException(SeedException.Kind.BUNDLE, ini + ": two sections for " + hv.databaseName()
                        + "/" + arch);
            }
            templates.add(new BundledTemplate(hv, arch, e.templateName(), dir.resolve(e.fileName()), e.sha512(),
                    downloadUrl(e.downloadUrl(), bundleRepository, mirror, ini, mirrorSource), e.guestOs()));
        }
        return new Bundle(dir, version, templates);
    }

    /**
     * The URL the server registers: with a mirror set and a {@code downloadrepository} in the
     * bundle, the first match of that prefix in {@code downloadurl} is replaced by the mirror,
     * both stripped. Like the server this is {@link String#replaceFirst} (the prefix is a regular
     * expression, the mirror a replacement), so the seeder writes the very URL the server would.
     */
    static String downloadUrl(String url, String bundleRepository, Optional<String> mirror, Path ini, String source) {
        if (mirror.isEmpty() || bundleRepository == null || bundleRepository.isBlank() || url.isBlank()) {
            return url;
        }
        try {
            return url.replaceFirst(bundleRepository.strip(), mirror.get().strip());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // PatternSyntaxException for the prefix, a stray dollar sign or backslash in the mirror: the server fails too.
            throw new SeedException(SeedException.Kind.CONFIG, source + ": " + ServerProperties.DOWNLOAD_REPOSITORY_KEY
                    + " '" + mirror.get() + "' cannot replace " + ini + "'s downloadrepository '" + bundleRepository
                    + "': " + e.getMessage(), e);
        }
    }
}
