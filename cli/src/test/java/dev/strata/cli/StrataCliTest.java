package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's own behaviour: help, profile checks, and clear errors before any build starts. */
class StrataCliTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path tmp;

    @BeforeEach
    void findProfilesInThisCheckout() {
        System.setProperty("strata.home", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @Test
    void helpListsTheCommands() {
        assertThat(StrataCli.run("--help")).isZero();
        assertThat(console.out()).contains("build", "boot-test", "doctor", "profile");
    }

    @Test
    void profileByNameShowsTheFiveCloudStackFileNames() {
        assertThat(StrataCli.run("profile", "debian")).isZero();
        assertThat(console.out())
                .contains("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2", "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2",
                        "systemvmtemplate-4.22.0-x86_64-vmware.ova", "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip",
                        "systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2");
    }

    @Test
    void badProfileGivesFileLineAndColumnAndExit2() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "schema: 1\nname: x\nversion: 4.22.0\npakages: [a]\n");
        assertThat(StrataCli.run("profile", bad.toString())).isEqualTo(2);
        assertThat(console.err()).contains(bad.toString() + ":4:1:", "pakages");
    }

    @Test
    void buildWithABadProfileStopsBeforeBuildingAndWritesNothing() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "schema: 2\n");
        Path output = tmp.resolve("dist");
        assertThat(StrataCli.run("build", "--profile", bad.toString(), "--output", output.toString(),
                "--cache-dir", tmp.resolve("cache").toString())).isEqualTo(2);
        assertThat(console.err()).contains("schema");
        assertThat(output).doesNotExist();
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void unknownProfileNameListsTheAvailableOnes() {
        assertThat(StrataCli.run("profile", "nosuch")).isEqualTo(2);
        assertThat(console.err()).contains("no profile named 'nosuch'", "debian");
    }

    @Test
    void bootTestOfAMissingFileSaysSo() {
        assertThat(StrataCli.run("boot-test", tmp.resolve("none.qcow2").toString())).isEqualTo(2);
        assertThat(console.err()).contains("no such file");
    }
}
