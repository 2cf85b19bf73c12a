package dev.strata.builder.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OVF manifest ({@code <name>.mf}): one line per file of the package,
 * {@code SHA256(<file>)= <hex>}, the OpenSSL digest output format ovftool writes (SHA256 since
 * ovftool 4; older tools wrote SHA1). The manifest does not list itself.
 */
public final class OvaManifest {

    private static final Pattern LINE = Pattern.compile("(SHA1|SHA256|SHA512)\\((.+)\\)\\s*=\\s*([0-9a-fA-F]+)");

    private OvaManifest() {
    }

    /** One manifest line: algorithm as written (SHA1, SHA256, SHA512), file name, lower-case hex. */
    public record Line(String algorithm, String fileName, String hex) {

        /** The JCA name of {@link #algorithm()}. */
        public String jcaAlgorithm() {
            return switch (algorithm) {
                case "SHA1" -> "SHA-1";
                case "SHA256" -> "SHA-256";
                case "SHA512" -> "SHA-512";
                default -> throw new IllegalStateException(algorithm);
            };
        }
    }

    /** Manifest text for the given file -> sha256 hex map, in the map's order. */
    public static String renderSha256(Map<String, String> sha256ByFile) {
        StringBuilder sb = new StringBuilder();
        sha256ByFile.forEach((file, hex) ->
                sb.append("SHA256(").append(file).append(")= ").append(hex.toLowerCase(Locale.ROOT)).append('\n'));
        return sb.toString();
    }

    /** Parses manifest text; throws IllegalArgumentException on a line that is not a digest line. */
    public static List<Line> parse(String text) {
        List<Line> out = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\r?\n")) {
            n++;
            if (raw.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(raw.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("manifest line " + n + " is not 'SHA256(file)= hex': " + raw);
            }
            out.add(new Line(m.group(1), m.group(2), m.group(3).toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
