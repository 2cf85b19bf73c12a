package dev.strata.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The stand-in agent.zip, with CloudStack's layout (reference §3.1): {@code _run.sh},
 * {@code run.sh}, {@code ssvm-check.sh}, {@code conf/agent.properties},
 * {@code conf/environment.properties}, the jar at the root, {@code scripts/storage/secondary/}.
 * Its jar holds the stand-in {@code com.cloud.agent.AgentShell}, compiled here for Java 11 (the
 * bytecode level CloudStack's agent is built for).
 */
final class StandInAgentZip {

    private StandInAgentZip() {
    }

    /** @param marker written as {@code VERSION} into the zip: tells two zips apart after a patch */
    static Path make(Path work, String marker) throws IOException {
        Path src = resources();
        Path classes = Files.createDirectories(work.resolve("classes-" + marker));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "11", "-d", classes.toString(),
                src.resolve("src/com/cloud/agent/AgentShell.java").toString());
        if (rc != 0) {
            throw new IllegalStateException("the stand-in agent does not compile");
        }
        Path zip = work.resolve("agent-" + marker + ".zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : List.of("_run.sh", "run.sh", "ssvm-check.sh", "conf/agent.properties",
                    "conf/environment.properties", "scripts/storage/secondary/createtmplt.sh")) {
                entry(z, f, Files.readAllBytes(src.resolve(f)));
            }
            entry(z, "VERSION", (marker + "\n").getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("cloud-agent-standin.jar"));
            jar(classes, z);
            z.closeEntry();
        }
        return zip;
    }

    private static void entry(ZipOutputStream z, String name, byte[] bytes) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(bytes);
        z.closeEntry();
    }

    private static void jar(Path classes, OutputStream out) throws IOException {
        JarOutputStream j = new JarOutputStream(out);
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString()));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
        }
        j.finish();
    }

    static Path resources() {
        try {
            return Path.of(StandInAgentZip.class.getResource("/standin-agent/_run.sh").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
