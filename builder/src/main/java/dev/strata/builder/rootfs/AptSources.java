package dev.strata.builder.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the host's apt sources (one-line {@code .list} and deb822 {@code .sources} files) so that
 * the root filesystem comes from wherever this host already gets Debian packages: no mirror
 * host name is ever written into Strata itself.
 */
public final class AptSources {

    /** One {@code deb} source: where, which suite, which components, which keyring. */
    public record Source(String uri, String suite, List<String> components, String signedBy) {

        public Source {
            components = List.copyOf(components);
        }

        /** The one-line form mmdebstrap accepts as a mirror argument. */
        public String toLine(List<String> wantedComponents) {
            String opts = signedBy == null ? "" : "[signed-by=" + signedBy + "] ";
            return "deb " + opts + uri + " " + suite + " " + String.join(" ", wantedComponents);
        }
    }

    private AptSources() {
    }

    /** All {@code deb} sources under an apt configuration root (normally {@code /etc/apt}). */
    public static List<Source> read(Path aptDir) {
        List<Source> sources = new ArrayList<>();
        Path list = aptDir.resolve("sources.list");
        if (Files.isRegularFile(list)) {
            sources.addAll(parseOneLine(readString(list)));
        }
        Path dir = aptDir.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".list")) {
                        sources.addAll(parseOneLine(readString(f)));
                    } else if (name.endsWith(".sources")) {
                        sources.addAll(parseDeb822(readString(f)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    /**
     * The sources for a Debian suite and its companions ({@code <suite>-updates},
     * {@code <suite>-security}), in the order found.
     */
    public static List<Source> forSuite(List<Source> all, String suite) {
        return all.stream()
                .filter(s -> s.suite().equals(suite) || s.suite().equals(suite + "-updates")
                        || s.suite().equals(suite + "-security") || s.suite().equals(suite + "/updates"))
                .toList();
    }

    static List<Source> parseOneLine(String text) {
        List<Source> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
                continue;
            }
            line = line.substring(3).strip();
            String signedBy = null;
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                if (end < 0) {
                    continue;
                }
                for (String opt : line.substring(1, end).strip().split("\\s+")) {
                    if (opt.startsWith("signed-by=")) {
                        signedBy = opt.substring("signed-by=".length());
                    }
                }
                line = line.substring(end + 1).strip();
            }
            String[] parts = line.split("\\s+");
            if (parts.length >= 2) {
                out.add(new Source(parts[0], parts[1], Arrays.asList(parts).subList(2, parts.length), signedBy));
            }
        }
        return out;
    }

    static List<Source> parseDeb822(String text) {
        List<Source> out = new ArrayList<>();
        for (String stanza : text.split("\n\\s*\n")) {
            Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            String key = null;
            for (String line : stanza.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if ((line.startsWith(" ") || line.startsWith("\t")) && key != null) {
                    fields.put(key, fields.get(key) + " " + line.strip());
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    key = line.substring(0, colon).strip();
                    fields.put(key, line.substring(colon + 1).strip());
                }
            }
            if (!List.of(fields.getOrDefault("Types", "").split("\\s+")).contains("deb")
                    || "no".equalsIgnoreCase(fields.getOrDefault("Enabled", "yes"))) {
                continue;
            }
            String signedBy = fields.get("Signed-By");
            if (signedBy != null && signedBy.contains("BEGIN PGP")) {
                signedBy = null; // an inline key cannot be passed on a one-line source
            }
            List<String> components = List.of(fields.getOrDefault("Components", "").split("\\s+"));
            for (String uri : fields.getOrDefault("URIs", "").split("\\s+")) {
                for (String suite : fields.getOrDefault("Suites", "").split("\\s+")) {
                    if (!uri.isBlank() && !suite.isBlank()) {
                        out.add(new Source(uri, suite, components, signedBy));
                    }
                }
            }
        }
        return out;
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read apt source " + p, e);
        }
    }
}
