package dev.strata.builder.profile;

import dev.strata.builder.profile.YamlNode.Scalar;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code files:} and {@code layer.files:} entries. A source is resolved against the
 * folder of the file that wrote it (known from its location), so a child profile can add
 * files next to itself while inheriting its parent's.
 */
final class FileEntryReader {

    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

    private FileEntryReader() {
    }

    /**
     * @param key            {@code files} of the profile or of the layer section
     * @param targetAbsolute true for image paths ({@code /etc/x}), false for layer paths ({@code VERSION})
     */
    static List<FileEntry> read(MappingReader section, String key, boolean targetAbsolute) {
        List<FileEntry> entries = new ArrayList<>();
        Map<String, Scalar> targets = new HashMap<>();
        for (MappingReader entry : section.sections(key)) {
            Scalar target = entry.required("target");
            checkTarget(target, entry.name("target"), targetAbsolute);
            Scalar first = targets.putIfAbsent(target.text(), target);
            if (first != null) {
                // Two entries for one target: which one the image gets would depend on order.
                throw new ProfileException(target.location(), "duplicate target '" + target.text()
                        + "' (first at " + first.location() + ")");
            }
            entries.add(new FileEntry(source(entry.required("source")), target.text(), mode(entry.required("mode"))));
        }
        return entries;
    }

    private static Path source(Scalar source) {
        Path resolved;
        try {
            resolved = source.location().file().getParent().resolve(source.text()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ProfileException(source.location(), "invalid path '" + source.text() + "': " + e.getReason());
        }
        if (!Files.exists(resolved)) {
            throw new ProfileException(source.location(), "file not found: " + resolved);
        }
        if (!Files.isRegularFile(resolved)) {
            throw new ProfileException(source.location(), "not a regular file: " + resolved);
        }
        return resolved;
    }

    private static void checkTarget(Scalar target, String name, boolean absolute) {
        boolean ok = absolute ? PathRules.isAbsoluteNormal(target.text()) : PathRules.isRelativeNormal(target.text());
        if (!ok) {
            throw new ProfileException(target.location(), "invalid " + name + " '" + target.text() + "'; expected "
                    + (absolute ? PathRules.ABSOLUTE : PathRules.RELATIVE + " (relative to the layer's root)"));
        }
    }

    /** Read as text so that {@code "0644"} and an unquoted {@code 0644} mean the same. */
    private static int mode(Scalar mode) {
        if (!MODE.matcher(mode.text()).matches()) {
            throw new ProfileException(mode.location(), "invalid mode '" + mode.text()
                    + "'; expected an octal string from \"0000\" to \"7777\", e.g. \"0644\"");
        }
        return Integer.parseInt(mode.text(), 8);
    }
}
