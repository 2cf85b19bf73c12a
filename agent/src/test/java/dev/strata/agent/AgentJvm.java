package dev.strata.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JVM options the layer's launcher gives the agent (one file, so tests and benchmark run what ships). */
public final class AgentJvm {

    private AgentJvm() {
    }

    /** {@code debian-profile/profiles/files/layer/agent.jvm.options}, found from the module or the repository root. */
    public static Path optionsFile() {
        for (Path base : new Path[] {Path.of(".."), Path.of(".")}) {
            Path f = base.resolve("debian-profile/profiles/files/layer/agent.jvm.options").toAbsolutePath().normalize();
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("agent.jvm.options not found from " + Path.of("").toAbsolutePath());
    }

    /** The java launcher argument that reads them ({@code @file}). */
    public static String argument() {
        return "@" + optionsFile();
    }
}
