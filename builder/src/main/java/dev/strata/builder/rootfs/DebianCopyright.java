package dev.strata.builder.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The licences a Debian package declares, from {@code /usr/share/doc/<package>/copyright} in the
 * root tree (read before slimming removes the documentation). Machine-readable files (DEP-5)
 * name them in {@code License:} fields; older free-form files are read for the
 * {@code /usr/share/common-licenses/<name>} they point to. Short names as Debian writes them
 * (e.g. {@code GPL-2+}, {@code LGPL-2.1+}, {@code BSD-3-clause}), not translated to SPDX:
 * the SBOM says what the package says.
 */
public final class DebianCopyright {

    private static final Pattern COMMON = Pattern.compile("/usr/share/common-licenses/([A-Za-z0-9.+_-]*[A-Za-z0-9+])");
    private static final int MAX = 12;

    private DebianCopyright() {
    }

    public static List<String> licenses(Path root, String packageName) {
        Path file = root.resolve("usr/share/doc").resolve(packageName).resolve("copyright");
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // unreadable documentation is no reason to fail a build; the SBOM just has no licence
        }
        return parse(text);
    }

    static List<String> parse(String text) {
        Set<String> out = new LinkedHashSet<>();
        boolean dep5 = text.startsWith("Format:") || text.contains("\nFormat: http");
        if (dep5) {
            for (String line : text.split("\n")) {
                if (line.startsWith("License:")) {
                    String value = line.substring("License:".length()).strip();
                    if (!value.isEmpty()) {
                        out.add(value);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            Matcher m = COMMON.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        List<String> list = new ArrayList<>(out);
        return list.size() > MAX ? List.copyOf(list.subList(0, MAX)) : List.copyOf(list);
    }
}
