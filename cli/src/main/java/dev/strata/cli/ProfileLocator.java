package dev.strata.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds a profile given as a file path or as a name. Names are looked up as
 * {@code <strata home>/*-profile/profiles/<name>.yaml}; the home is the checkout that
 * {@code bin/strata} runs from (system property {@code strata.home}).
 */
final class ProfileLocator {

    private ProfileLocator() {
    }

    static Path locate(String nameOrFile) {
        Path asFile = Path.of(nameOrFile);
        if (nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml") || nameOrFile.contains("/")) {
            if (!Files.isRegularFile(asFile)) {
                throw new IllegalArgumentException("profile file not found: " + asFile.toAbsolutePath());
            }
            return asFile;
        }
        List<Path> known = available();
        for (Path p : known) {
            if (p.getFileName().toString().equals(nameOrFile + ".yaml")) {
                return p;
            }
        }
        throw new IllegalArgumentException("no profile named '" + nameOrFile + "'; available: "
                + known.stream().map(p -> p.getFileName().toString().replace(".yaml", "")).toList()
                + " (or give a path to a .yaml file)");
    }

    static List<Path> available() {
        Path home = Path.of(System.getProperty("strata.home", "."));
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(home)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().endsWith("-profile")).sorted().toList()) {
                Path dir = m.resolve("profiles");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().forEach(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
