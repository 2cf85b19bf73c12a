package dev.strata.it;

import dev.strata.builder.boot.BootableImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The template bundle under test (built by debian-profile's {@code mvn package}), with its files
 * unpacked once, lazily, into a scratch folder shared by the tests of one run.
 */
final class Bundle {

    private static final Map<String, BootableImage.Disk> UNPACKED = new HashMap<>();
    private static Path scratch;

    private Bundle() {
    }

    static Path dir() {
        String prop = System.getProperty("strata.bundle");
        if (prop == null) {
            throw new IllegalStateException("system property strata.bundle is not set (run through Maven)");
        }
        Path dir = Path.of(prop);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no template bundle at " + dir + ": debian-profile's package phase builds it");
        }
        return dir;
    }

    /** The jars of the built CLI (with the agent): what a layer's lib/ holds. */
    static java.util.List<Path> layerJars() {
        return dev.strata.builder.layer.RuntimeJars.ofCliModule(Path.of(System.getProperty("strata.cli.target")));
    }

    static Path file(String suffix) {
        try (var files = Files.list(dir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new AssertionError("bundle has no *" + suffix + " file"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The disk inside a bundle file, decompressed or extracted. */
    static synchronized BootableImage.Disk unpacked(String suffix) {
        return UNPACKED.computeIfAbsent(suffix, s -> BootableImage.open(file(s), scratch()));
    }

    private static Path scratch() {
        if (scratch == null) {
            try {
                scratch = Files.createTempDirectory("strata-it-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (var files = Files.list(scratch)) {
                        for (Path f : files.toList()) {
                            Files.deleteIfExists(f);
                        }
                        Files.deleteIfExists(scratch);
                    } catch (IOException ignored) {
                        // temp folder
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }
}
