package dev.strata.builder.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

    @TempDir
    Path dir;

    @Test
    void aFailingCommandThrowsWithItsExitCodeAndBothStreamsInTheTail() {
        CommandRunner.Command c = CommandRunner.Command.of("sh", "-c", "echo out; echo err >&2; exit 3");

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class,
                () -> new CommandRunner(null).run(c));

        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(3);
        assertThat(e.outputTail()).containsExactly("out", "err");
        assertThat(e.command()).containsExactly("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(e.getMessage()).contains("sh failed with exit code 3").contains("out").contains("err");
    }

    @Test
    void successReturnsAllOutputAndFeedsTheListener() {
        List<String> seen = new ArrayList<>();

        String out = new CommandRunner(null).run(
                CommandRunner.Command.of("sh", "-c", "echo one; echo two >&2; echo three"), seen::add);

        assertThat(out).isEqualTo("one\ntwo\nthree\n");
        assertThat(seen).containsExactly("one", "two", "three");
    }

    @Test
    void theTailKeepsOnlyTheLastLines() {
        CommandFailedException e = catchThrowableOfType(CommandFailedException.class,
                () -> new CommandRunner(null).run(CommandRunner.Command.of("sh", "-c", "seq 1 100; exit 1")));

        assertThat(e.outputTail()).hasSize(25).startsWith("76").endsWith("100");
    }

    @Test
    void stdinIsPassed() {
        String out = new CommandRunner(null).run(CommandRunner.Command.of("cat").withStdin("line 1\nläuft 2\n"));

        assertThat(out).isEqualTo("line 1\nläuft 2\n");
    }

    @Test
    void withoutStdinTheProgramSeesEndOfInput() {
        String out = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> new CommandRunner(null).run(CommandRunner.Command.of("sh", "-c", "cat; echo done")));

        assertThat(out).isEqualTo("done\n");
    }

    @Test
    void largeStdinWithLargeOutputDoesNotDeadlock() {
        String big = "x".repeat(1023) + "\n";
        String input = big.repeat(1024); // 1 MiB

        String out = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> new CommandRunner(null).run(CommandRunner.Command.of("cat").withStdin(input)));

        assertThat(out).hasSize(input.length());
    }

    @Test
    void environmentAndWorkingFolderArePassed() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));

        String out = new CommandRunner(null).run(CommandRunner.Command.of("sh", "-c", "echo \"$STRATA_X\"; pwd")
                .withEnv("STRATA_X", "hello world").in(sub));

        assertThat(out).isEqualTo("hello world\n" + sub.toRealPath() + "\n");
    }

    @Test
    void lcAllDefaultsToCUtf8UnlessGiven() {
        CommandRunner r = new CommandRunner(null);

        assertThat(r.run(CommandRunner.Command.of("sh", "-c", "echo \"$LC_ALL\""))).isEqualTo("C.UTF-8\n");
        assertThat(r.run(CommandRunner.Command.of("sh", "-c", "echo \"$LC_ALL\"").withEnv("LC_ALL", "C")))
                .isEqualTo("C\n");
    }

    @Test
    void argumentsAreNotInterpretedByAShell() {
        String out = new CommandRunner(null).run(CommandRunner.Command.of("echo", "$HOME", "a;b", "*"));

        assertThat(out).isEqualTo("$HOME a;b *\n");
    }

    @Test
    void aMissingProgramIsExit127() {
        CommandFailedException e = catchThrowableOfType(CommandFailedException.class,
                () -> new CommandRunner(null).run(CommandRunner.Command.of("strata-no-such-program-xyz", "--help")));

        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(127);
        assertThat(e.command()).containsExactly("strata-no-such-program-xyz", "--help");
        assertThat(e.getMessage()).contains("strata-no-such-program-xyz");
    }

    @Test
    void theLogGetsCommandLinesAndOutputAppended() throws Exception {
        Path log = dir.resolve("build.log");
        CommandRunner r = new CommandRunner(log);

        r.run(CommandRunner.Command.of("sh", "-c", "echo first; echo second >&2"));
        assertThatThrownBy(() -> r.run(CommandRunner.Command.of("sh", "-c", "echo failing; exit 4")))
                .isInstanceOf(CommandFailedException.class);

        assertThat(Files.readAllLines(log)).containsExactly(
                "$ sh -c echo first; echo second >&2",
                "first",
                "second",
                "$ sh -c echo failing; exit 4",
                "failing");
    }

    @Test
    void aMissingProgramIsLoggedToo() throws Exception {
        Path log = dir.resolve("build.log");

        assertThatThrownBy(() -> new CommandRunner(log).run(CommandRunner.Command.of("strata-no-such-program-xyz")))
                .isInstanceOf(CommandFailedException.class);

        assertThat(Files.readString(log)).contains("$ strata-no-such-program-xyz");
    }
}
