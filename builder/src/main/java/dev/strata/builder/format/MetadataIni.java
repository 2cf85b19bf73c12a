package dev.strata.builder.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes and reads CloudStack's {@code templates/systemvm/metadata.ini}.
 *
 * <p>Layout, byte for byte as upstream's engine/schema/templateConfig.sh produces it: the file
 * starts with an empty line ({@code echo > metadata.ini}), then {@code [default]} with
 * {@code version} and {@code downloadrepository}, then one section per template; every section is
 * followed by an empty line (each section is one {@code echo -e "...\n"}). Keys and values are
 * separated by {@code " = "}. Key order inside a hypervisor section: templatename, checksum,
 * downloadurl, filename, arch, guestos.
 *
 * <p>How the management server reads it (SystemVmTemplateRegistration.parseMetadataFile, ini4j):
 * section {@code <hypervisor>-<arch>} first, then, for every hypervisor but KVM, the bare
 * {@code <hypervisor>} section; {@code [default] version} is the template version and
 * {@code downloadrepository} is the prefix swapped for a custom mirror. Because ini4j unescapes
 * backslashes and splits at the first '=' or ':', values here never contain a backslash, keys never
 * contain ':' and every line is {@code key = value}.
 */
public final class MetadataIni {

    /** Hypervisor sections in the order we write them (upstream's bash map order is not stable). */
    public static final List<String> SECTION_ORDER = List.of(
            "kvm-x86_64", "kvm-aarch64", "vmware", "xenserver", "hyperv", "lxc", "ovm3");

    public static final String DEBIAN_12_GUEST_OS = "Debian GNU/Linux 12 (64-bit)";
    public static final String OTHER_LINUX_GUEST_OS = "Other Linux (64-bit)";

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(\\.\\d+)?");
    private static final Pattern SECTION_LINE = Pattern.compile("\\[([^\\]]+)]");

    private MetadataIni() {
    }

    /** Text of metadata.ini with {@code [default] version} only (no custom-mirror support). */
    public static String build(String version, List<MetadataEntry> entries) {
        return build(version, null, entries);
    }

    /**
     * Text of metadata.ini.
     *
     * @param version            x.y.z or x.y.z.w, written as {@code [default] version}
     * @param downloadRepository prefix of the download URLs (written as {@code downloadrepository});
     *                           null to omit it, which only disables the server's mirror rewrite
     * @param entries            one per section; any order, written in {@link #SECTION_ORDER}
     */
    public static String build(String version, String downloadRepository, List<MetadataEntry> entries) {
        Objects.requireNonNull(version, "version");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version must be x.y.z or x.y.z.w, got '" + version + "'");
        }
        List<MetadataEntry> sorted = validate(entries);

        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        sb.append("[default]\n");
        line(sb, "version", version);
        if (downloadRepository != null) {
            line(sb, "downloadrepository", requireValue("downloadrepository", downloadRepository));
        }
        sb.append('\n');
        for (MetadataEntry e : sorted) {
            sb.append('[').append(e.section()).append("]\n");
            line(sb, "templatename", e.templateName());
            line(sb, "checksum", e.sha512());
            line(sb, "downloadurl", e.downloadUrl());
            line(sb, "filename", e.fileName());
            line(sb, "arch", e.arch());
            line(sb, "guestos", e.guestOs());
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Guest OS name upstream writes for a section: "Other Linux (64-bit)" for VMware and XenServer. */
    public static String defaultGuestOs(String section) {
        String hv = section.contains("-") ? section.substring(0, section.indexOf('-')) : section;
        return hv.equals("vmware") || hv.equals("xenserver") ? OTHER_LINUX_GUEST_OS : DEBIAN_12_GUEST_OS;
    }

    /** Architecture implied by a section name: "-aarch64" suffix, else x86_64 (the server's default). */
    public static String archOf(String section) {
        return section.endsWith("-aarch64") ? "aarch64" : "x86_64";
    }

    /**
     * Parses INI text into section -> (key -> value), both in file order. Blank lines and lines
     * starting with ';' or '#' are skipped; keys and values are trimmed. Duplicate sections or keys
     * are errors (ini4j would keep both and the server would read one of them).
     */
    public static Map<String, Map<String, String>> parse(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        String currentName = null;
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            var m = SECTION_LINE.matcher(line);
            if (m.matches()) {
                currentName = m.group(1).strip();
                if (out.containsKey(currentName)) {
                    throw new IllegalArgumentException("line " + lineNo + ": duplicate section [" + currentName + "]");
                }
                current = new LinkedHashMap<>();
                out.put(currentName, current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + lineNo + ": expected 'key = value': " + raw);
            }
            if (current == null) {
                throw new IllegalArgumentException("line " + lineNo + ": key outside a section: " + raw);
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (current.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("line " + lineNo + ": duplicate key '" + key
                        + "' in [" + currentName + "]");
            }
        }
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        out.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(frozen);
    }

    /**
     * Entries of a parsed file (hypervisor sections only), for the seeder. Files written by older
     * templateConfig.sh versions lack {@code arch} and/or {@code guestos}; the section's architecture
     * and upstream's guest OS mapping fill them in. Those older files also took their checksums from
     * md5sum.txt, which {@link MetadataEntry} refuses: only sha512 files are accepted.
     */
    public static List<MetadataEntry> entries(Map<String, Map<String, String>> parsed) {
        List<MetadataEntry> out = new ArrayList<>();
        parsed.forEach((section, keys) -> {
            if (section.equals("default")) {
                return;
            }
            out.add(new MetadataEntry(section, keys.get("templatename"), keys.get("filename"),
                    keys.get("checksum"), keys.get("downloadurl"),
                    keys.getOrDefault("arch", archOf(section)),
                    keys.getOrDefault("guestos", defaultGuestOs(section))));
        });
        return out;
    }

    private static List<MetadataEntry> validate(List<MetadataEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("metadata.ini needs at least one hypervisor section");
        }
        Set<String> seen = new HashSet<>();
        for (MetadataEntry e : entries) {
            if (!SECTION_ORDER.contains(e.section())) {
                // The server only looks up these names (KVM has no bare fallback); anything else is dead text.
                throw new IllegalArgumentException("unknown section [" + e.section() + "]; allowed: " + SECTION_ORDER);
            }
            if (!seen.add(e.section())) {
                throw new IllegalArgumentException("duplicate section [" + e.section() + "]");
            }
            if (!e.arch().equals(archOf(e.section()))) {
                // The server takes the architecture from the section name; a different arch key would lie.
                throw new IllegalArgumentException("section [" + e.section() + "] is for " + archOf(e.section())
                        + " but arch = " + e.arch());
            }
        }
        List<MetadataEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(e -> SECTION_ORDER.indexOf(e.section())));
        return sorted;
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append(" = ").append(value).append('\n');
    }

    /** Rejects what ini4j would alter or what would break the line format. */
    static String requireValue(String key, String value) {
        Objects.requireNonNull(value, key);
        if (value.isBlank()) {
            throw new IllegalArgumentException(key + " is empty");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException(key + " has leading or trailing blanks: '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(key + " contains a control character: '" + value + "'");
            }
            if (c == '\\') {
                throw new IllegalArgumentException(key + " contains a backslash, which ini4j unescapes: '" + value + "'");
            }
        }
        return value;
    }
}
