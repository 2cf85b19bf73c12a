package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.builder.format.ChecksumFiles;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.BuildPipeline;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and interruption: one clear line, nothing in the output folder, the previous
 * bundle kept, and the next build works. Runs real builds (mmdebstrap, network) with the
 * package cache the bundle build already filled.
 */
class BuildFailuresIT {

    private static final Path DEBIAN = Path.of("..", "debian-profile", "profiles", "debian.yaml").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void unknownPackageIsNamedAndNothingIsWritten() throws IOException {
        Path profile = child("packages:\n  - strata-no-such-package\n");
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> build(profile, out, null))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("package 'strata-no-such-package' not found");
        assertThat(out).doesNotExist();
        assertThat(siblingsOf(out)).isEmpty();
    }

    @Test
    void unreachableMirrorIsSaid() throws IOException {
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> build(child(""), out, "http://127.0.0.1:9/debian"))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("cannot reach the Debian mirror");
        assertThat(out).doesNotExist();
    }

    @Test
    void fullDiskIsSaidAndLeavesNothingBehind() throws Exception {
        // A 40 MiB filesystem for the output: the 72 MiB template cannot fit.
        Path small = Files.createDirectories(tmp.resolve("small"));
        Proc.Result mount = Proc.run("mount", "-t", "tmpfs", "-o", "size=40m", "strata-it-full", small.toString());
        assertThat(mount.exitCode()).as(mount.output()).isZero();
        try {
            Path out = small.resolve("bundle");
            assertThatThrownBy(() -> build(child(""), out, null))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("disk full");
            try (Stream<Path> left = Files.list(small)) {
                assertThat(left.toList()).as("left on the full disk").isEmpty();
            }
        } finally {
            Proc.run("umount", small.toString());
        }
    }

    @Test
    void killedBuildKeepsThePreviousBundleAndTheNextBuildCompletes() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(out.resolve("previous.txt"), "the bundle before");

        Process first = cli("build", "--hypervisor", "kvm", "--output", out.toString());
        List<String> seen = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.add(line);
                if (line.startsWith("[root-image]")) {
                    break; // the build is now writing images: kill it hard, no clean-up possible
                }
            }
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("build output before the kill").anyMatch(l -> l.startsWith("[root-image]"));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("previous.txt");
        }

        Process second = cli("build", "--hypervisor", "kvm", "--output", out.toString());
        String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(second.waitFor()).as(output).isZero();
        assertThat(out.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2")).isRegularFile();
        assertThat(out.resolve("metadata.ini")).isRegularFile();
        assertThat(out.resolve("previous.txt")).doesNotExist();
        assertThat(ChecksumFiles.verify(out)).isEmpty();
        assertThat(siblingsOf(out)).as("staging folders left beside the output").isEmpty();
    }

    private Path child(String extra) throws IOException {
        Path file = tmp.resolve("profile.yaml");
        Files.writeString(file, "schema: 1\nextends: " + DEBIAN + "\n" + extra);
        return file;
    }

    private static void build(Path profileFile, Path out, String mirror) {
        Profile profile = new ProfileLoader().load(profileFile);
        BuildOptions options = new BuildOptions(out, BuildOptions.defaultCacheDir(), mirror, BuildOptions.defaultEpoch(),
                Set.of("kvm"), true, "file:///tmp/", false).withLayer(Bundle.layerJars(), null);
        new BuildPipeline(new Reporter(new PrintStream(System.out))).build(profile, options);
    }

    private static Process cli(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dstrata.home=" + DEBIAN.getParent().getParent().getParent(),
                "-cp", System.getProperty("java.class.path"), "dev.strata.cli.StrataCli"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static List<Path> siblingsOf(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".")).toList();
        }
    }
}
