package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata layer}: the whole cycle through the command line, on temporary folders. */
class LayerCommandTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void signInstallActivateRollbackThroughTheCli() throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        assertThat(StrataCli.run("layer", "keygen", keys.resolve("release").toString())).isZero();
        Path router = tmp.resolve("router");
        String[] store = {"--router-dir", router.toString(), "--trusted-keys", keys.toString()};

        for (String v : new String[] {"1.0", "2.0"}) {
            Path layer = Files.createDirectories(tmp.resolve("layer-" + v + "/bin"));
            Files.writeString(layer.resolve("strata-agent"), "agent " + v);
            assertThat(StrataCli.run("layer", "sign", layer.getParent().toString(), "--key",
                    keys.resolve("release.key").toString(), "--version", v)).isZero();
            assertThat(StrataCli.run(concat(new String[] {"layer", "install", layer.getParent().toString()}, store))).isZero();
        }
        assertThat(StrataCli.run(concat(new String[] {"layer", "activate", "1.0"}, store))).isZero();
        assertThat(StrataCli.run(concat(new String[] {"layer", "mark-good"}, store))).isZero();
        assertThat(StrataCli.run(concat(new String[] {"layer", "activate", "2.0"}, store))).isZero();
        assertThat(Files.readString(router.resolve("latest/bin/strata-agent"))).isEqualTo("agent 2.0");
        assertThat(StrataCli.run(concat(new String[] {"layer", "rollback"}, store))).isZero();
        assertThat(Files.readString(router.resolve("latest/bin/strata-agent"))).isEqualTo("agent 1.0");

        console.resetOut();
        assertThat(StrataCli.run(concat(new String[] {"layer", "list"}, store))).isZero();
        assertThat(console.out()).containsPattern("1\\.0\\s+latest, known-good");
    }

    @Test
    void aTamperedLayerIsRefusedWithExit2() throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        StrataCli.run("layer", "keygen", keys.resolve("k").toString());
        Path layer = Files.createDirectories(tmp.resolve("layer"));
        Files.writeString(layer.resolve("file"), "good");
        StrataCli.run("layer", "sign", layer.toString(), "--key", keys.resolve("k.key").toString(), "--version", "1.0");
        Files.writeString(layer.resolve("file"), "bad");
        assertThat(StrataCli.run("layer", "install", layer.toString(), "--router-dir", tmp.resolve("router").toString(),
                "--trusted-keys", keys.toString())).isEqualTo(2);
        assertThat(console.err()).contains("does not match its manifest");
        assertThat(tmp.resolve("router/1.0")).doesNotExist();
    }

    @Test
    void layerBuildTeachesAndRefusesABadVersionBeforeBuildingAnything() {
        assertThat(StrataCli.run("layer", "build", "--help")).isZero();
        assertThat(console.out()).contains("--version=VERSION").contains("strata layer build --version 4.22.0.1");

        String profile = Path.of("../debian-profile/profiles/debian.yaml").toAbsolutePath().normalize().toString();
        assertThat(StrataCli.run("layer", "build", profile, "--version", "../etc", "--cache", tmp.resolve("cache").toString(),
                "--output", tmp.resolve("out").toString())).isEqualTo(2);
        assertThat(console.err()).contains("layer version must be 1-64 of [0-9A-Za-z._+-], got '../etc'");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    /** Issue 17, item 11: every subcommand answers --help (list, rollback, mark-good and gc refused it). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"list", "rollback", "mark-good", "gc", "install", "activate",
        "verify", "inspect", "sign", "keygen", "build"})
    void everyLayerSubcommandAnswersHelp(String sub) {
        assertThat(StrataCli.run("layer", sub, "--help")).isZero();
        assertThat(console.out()).contains("Usage: strata layer " + sub);
    }

    /** Issue 17, item 10: a refused layer file is named as given, not by the temporary folder it was unpacked to. */
    @Test
    void verifyOfATamperedLayerFileNamesTheFile() throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        StrataCli.run("layer", "keygen", keys.resolve("k").toString());
        Path layer = Files.createDirectories(tmp.resolve("layer"));
        Files.writeString(layer.resolve("file"), "good");
        StrataCli.run("layer", "sign", layer.toString(), "--key", keys.resolve("k.key").toString(), "--version", "1.0");
        Files.writeString(layer.resolve("file"), "bad");
        Path image = tmp.resolve("router-1.0.layer");
        Process p = new ProcessBuilder("mksquashfs", layer.toString(), image.toString(), "-all-root", "-quiet",
                "-no-progress").inheritIO().start();
        assertThat(p.waitFor()).isZero();
        console.resetOut();
        assertThat(StrataCli.run("layer", "verify", image.toString(), "--trusted-keys", keys.toString())).isEqualTo(2);
        assertThat(console.err()).contains("does not match its manifest").contains(image.toString())
                .doesNotContain("strata-layer-").doesNotContain("strata-verify-");
    }

    @Test
    void keygenNeverOverwritesAKey() throws Exception {
        Path prefix = tmp.resolve("k");
        assertThat(StrataCli.run("layer", "keygen", prefix.toString())).isZero();
        String before = Files.readString(tmp.resolve("k.key"));
        assertThat(StrataCli.run("layer", "keygen", prefix.toString())).isEqualTo(2);
        assertThat(console.err()).contains("not overwriting a key");
        assertThat(Files.readString(tmp.resolve("k.key"))).isEqualTo(before);
        assertThat(Files.getPosixFilePermissions(tmp.resolve("k.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
