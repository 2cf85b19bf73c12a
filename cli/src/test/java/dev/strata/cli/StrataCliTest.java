package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's own behaviour: help, profile checks, and clear errors before any build starts. */
class StrataCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setProperty("strata.home", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(StrataCli.run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("build", "boot-test", "doctor", "profile");
    }

    @Test
    void profileByNameShowsTheFiveCloudStackFileNames() {
        assertThat(StrataCli.run("profile", "debian")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2", "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2",
                        "systemvmtemplate-4.22.0-x86_64-vmware.ova", "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip",
                        "systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2");
    }

    @Test
    void badProfileGivesFileLineAndColumnAndExit2() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "schema: 1\nname: x\nversion: 4.22.0\npakages: [a]\n");
        assertThat(StrataCli.run("profile", bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad.toString() + ":4:1:", "pakages");
    }

    @Test
    void buildWithABadProfileStopsBeforeBuildingAndWritesNothing() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "schema: 2\n");
        Path output = tmp.resolve("dist");
        assertThat(StrataCli.run("build", "--profile", bad.toString(), "--output", output.toString(),
                "--cache-dir", tmp.resolve("cache").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("schema");
        assertThat(output).doesNotExist();
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void unknownProfileNameListsTheAvailableOnes() {
        assertThat(StrataCli.run("profile", "nosuch")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no profile named 'nosuch'", "debian");
    }

    @Test
    void bootTestOfAMissingFileSaysSo() {
        assertThat(StrataCli.run("boot-test", tmp.resolve("none.qcow2").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
    }
}
