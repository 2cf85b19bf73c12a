package dev.strata.builder.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The root's {@code os-release} (KEY=value lines, values optionally quoted): what systemd-sysext matches. */
final class OsRelease {

    private OsRelease() {
    }

    static Map<String, String> read(Path root) {
        Path file = root.resolve("usr/lib/os-release");
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            throw new BuildFailure("extension", "the root filesystem has no usr/lib/os-release, which systemd-sysext "
                    + "needs to accept the extension");
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq < 1) {
                    continue;
                }
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                values.put(line.substring(0, eq).strip(), v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }
}
