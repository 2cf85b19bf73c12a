package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata seed}: help that teaches, and one clear error with its own exit status. */
class SeedCommandTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path tmp;

    @Test
    void helpExplainsWhatItDoesAndThePackagingCommand() {
        assertThat(StrataCli.run("seed", "--help")).isZero();
        assertThat(console.out()).contains("template/tmpl/1/<id>/", "UpgradeDatabase-Lock", "--dry-run", "--json",
                "--mounted", "--db-properties", "strata seed --quiet --defer-older-schema", "Exit status");
        assertThat(StrataCli.run("--help")).isZero();
        assertThat(console.out()).contains("seed");
    }

    @Test
    void missingBundleExits10() {
        assertThat(StrataCli.run("seed", "--bundle", tmp.resolve("none").toString(), "--db-host", "127.0.0.1",
                "--db-user", "cloud", "--db-properties", tmp.resolve("no-db.properties").toString())).isEqualTo(10);
        assertThat(console.err()).contains("no metadata.ini");
    }

    @Test
    void unreachableDatabaseExits12() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("metadata.ini"), "\n[default]\nversion = 4.22.0.0\n\n[kvm-x86_64]\n"
                + "templatename = systemvm-kvm-4.22.0-x86_64\nchecksum = " + "a".repeat(128) + "\n"
                + "downloadurl = https://download.test/x.qcow2.bz2\nfilename = x.qcow2.bz2\narch = x86_64\n"
                + "guestos = Debian GNU/Linux 12 (64-bit)\n\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "secret\n");
        assertThat(StrataCli.run("seed", "--bundle", bundle.toString(), "--db-host", "127.0.0.1", "--db-port",
                Integer.toString(port), "--db-user", "cloud", "--db-password-file", pw.toString(),
                "--db-properties", tmp.resolve("no-db.properties").toString())).isEqualTo(12);
        assertThat(console.err()).contains("cannot be reached", "127.0.0.1:" + port).doesNotContain("secret");
    }

    @Test
    void errorsAreJsonTooWithJson() {
        assertThat(StrataCli.run("seed", "--json", "--bundle", tmp.resolve("none").toString(), "--db-host", "127.0.0.1",
                "--db-user", "cloud", "--db-properties", tmp.resolve("no-db.properties").toString())).isEqualTo(10);
        assertThat(console.out()).contains("\"status\" : \"error\"", "\"kind\" : \"BUNDLE\"", "\"exitCode\" : 10");
    }

    @Test
    void badOptionExits2() {
        assertThat(StrataCli.run("seed", "--lock-timeout", "soon")).isEqualTo(2);
    }

    @Test
    void resultAsJsonNamesEverythingAScriptNeeds() {
        var t = new dev.strata.seeder.bundle.BundledTemplate(dev.strata.seeder.bundle.SystemVmHypervisor.KVM, "x86_64",
                "systemvm-kvm-4.22.0-x86_64", Path.of("/b/x.qcow2.bz2"), "a".repeat(128), "https://d.test/x.qcow2.bz2",
                "Debian GNU/Linux 12 (64-bit)");
        var store = new dev.strata.seeder.store.ImageStore(1, "nfs-a", 1L, "nfs://h/e", "nfs", "NFS", false, "4.1");
        var plan = new dev.strata.seeder.plan.SeedPlan("4.22.0.0", "4.22.0.0",
                java.util.List.of(new dev.strata.seeder.plan.SeedPlan.Copy(t, store, null, false)), java.util.List.of(),
                java.util.List.of(new dev.strata.seeder.plan.SeedPlan.SettingChange("router.template.kvm", "old",
                        t.name(), dev.strata.seeder.bundle.SystemVmHypervisor.KVM)),
                java.util.List.of(), java.util.List.of(), java.util.List.of());
        var result = new dev.strata.seeder.SeedResult("seeded", "seeded 1 template(s)", plan,
                java.util.List.of(new dev.strata.seeder.SeedResult.SeededTemplate(5, t.name(), "KVM", "x86_64", 1,
                        "/template/tmpl/1/5/u.qcow2", 10, 20, 5, 0.5)), java.util.List.of(), 1.5);
        String json = Json.write(result);
        assertThat(json).contains("\"status\" : \"seeded\"", "\"templateId\" : 5",
                "\"installPath\" : \"/template/tmpl/1/5/u.qcow2\"", "\"file\" : \"/b/x.qcow2.bz2\"",
                "\"name\" : \"router.template.kvm\"", "\"copySeconds\" : 0.5");
    }

    @Test
    void progressOfLargeCopiesShowsBytesPercentAndSpeed() {
        var printer = new SeedCommand.ProgressPrinter();
        printer.update("KVM/x86_64 -> store 1", 512L << 20, 2048L << 20, 300.0 * (1 << 20), false);
        printer.update("small", 1, 2, 1, true);
        assertThat(console.err()).contains("KVM/x86_64 -> store 1: 512.0 MiB / 2.0 GiB (25%) at 300.0 MiB/s")
                .doesNotContain("small");
    }
}
