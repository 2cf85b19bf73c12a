package dev.strata.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.tools.CommandFailedException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildFailureTest {

    static final Path WORK = Path.of("/var/tmp/strata-work");

    private static BuildFailure explain(String... tail) {
        return BuildFailure.explain("rootfs",
                new CommandFailedException(List.of("mmdebstrap", "--variant=essential", "bookworm"), 1, List.of(tail)),
                WORK);
    }

    @Test
    void aMissingPackageIsNamed() {
        BuildFailure f = explain(
                "I: running apt-get install",
                "Reading package lists...",
                "E: Unable to locate package foo",
                "E: mmdebstrap failed");

        assertThat(f.getMessage())
                .startsWith("rootfs: ")
                .contains("package 'foo' not found")
                .contains("packages list")
                .doesNotContain("\n");
        assertThat(f.stage()).isEqualTo("rootfs");
        assertThat(f.getCause()).isInstanceOf(CommandFailedException.class);
    }

    @Test
    void aPackageWithoutCandidateIsNamed() {
        BuildFailure f = explain("E: Package 'firmware-foo' has no installation candidate");

        assertThat(f.getMessage()).contains("package 'firmware-foo' exists but cannot be installed")
                .contains("suite and components");
    }

    @Test
    void noSpaceLeftSaysTheDiskIsFull() {
        BuildFailure f = explain("tar: ./usr/lib/x86_64-linux-gnu/libLLVM.so.15: Cannot write: No space left on device",
                "tar: Exiting with failure status due to previous errors");

        assertThat(f.getMessage()).contains("disk full").contains(WORK.toString()).doesNotContain("\n");
    }

    @Test
    void aResolverFailureSaysTheMirrorIsUnreachable() {
        BuildFailure f = explain(
                "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  "
                        + "Temporary failure resolving 'deb.debian.org'",
                "E: apt-get update --error-on=any -oAPT::Status-Fd=<$fd> -oDpkg::Use-Pty=false failed");

        assertThat(f.getMessage()).contains("cannot reach the Debian mirror").contains("--mirror")
                .doesNotContain("\n");
    }

    @Test
    void otherNetworkFailuresSayTheMirrorIsUnreachableToo() {
        assertThat(explain("E: Could not connect to deb.debian.org:80").getMessage())
                .contains("cannot reach the Debian mirror");
        assertThat(explain("Err:1 http://x bookworm InRelease", "  Connection timed out [IP: 10.0.0.1 80]")
                .getMessage()).contains("cannot reach the Debian mirror");
    }

    @Test
    void anythingElseFallsBackToTheLastLineWithCommandAndExitCode() {
        BuildFailure f = explain("I: something happened", "E: setup hook failed: exit status 2");

        assertThat(f.getMessage()).isEqualTo("rootfs: mmdebstrap failed (exit 1): E: setup hook failed: exit status 2"
                + " (full output in the build log)");
    }

    @Test
    void noOutputAtAllIsSaid() {
        BuildFailure f = explain();

        assertThat(f.getMessage()).contains("mmdebstrap failed (exit 1)").contains("(no output)");
    }
}
