package dev.strata.builder.layer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the layer's jars come from: the running CLI's class path, or a built {@code cli} module. */
public final class RuntimeJars {

    private RuntimeJars() {
    }

    /** The jars this JVM runs from (the CLI: its jar and {@code cli/target/lib/*}). */
    public static List<Path> ofThisProcess() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                jars.add(Path.of(entry).toAbsolutePath());
            }
        }
        return jars;
    }

    /** {@code cli/target/cli-*.jar} and {@code cli/target/lib/*.jar} of a checkout whose CLI is built. */
    public static List<Path> ofCliModule(Path cliTarget) {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> top = Files.list(cliTarget); Stream<Path> lib = Files.list(cliTarget.resolve("lib"))) {
            top.filter(p -> p.getFileName().toString().matches("cli-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-tests.jar")).forEach(jars::add);
            lib.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("the CLI is not built in " + cliTarget + " (run ./mvnw -pl cli -am package)", e);
        }
        return jars;
    }
}
