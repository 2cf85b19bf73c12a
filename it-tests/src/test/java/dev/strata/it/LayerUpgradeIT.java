package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.GuestAgent;
import dev.strata.builder.boot.RunningVm;
import dev.strata.builder.layer.LayerBuilder;
import dev.strata.builder.layer.SigningKey;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Layer;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.tools.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live upgrade inside a running system VM, as the management side would do it: the KVM
 * template boots with its own layer (4.22.0, known-good); a second layer (4.22.0.1) is handed
 * to the VM as a disk, installed and switched to live, and the agent then reports the new
 * version; a third (4.22.0.2) whose health check fails is switched to and rolled back by the
 * health gate, with the reason recorded; finally the third is activated for the next boot only
 * and the VM rebooted: the boot-time gate rolls it back too. Commands run in the guest through
 * the QEMU guest agent (argument lists, no shell).
 */
class LayerUpgradeIT {

    private static final Duration BOOT = Duration.ofSeconds(Long.parseLong(System.getProperty("strata.boot.timeout", "600")));
    private static final Duration CMD = Duration.ofMinutes(6);
    private static final String STRATA = "/router/latest/bin/strata";

    @TempDir
    Path tmp;

    @Test
    void installsSwitchesLiveAndRollsBackAFailingLayer() throws Exception {
        Profile profile = new ProfileLoader().load(Path.of(System.getProperty("strata.profile.dir"), "debian.yaml"));
        Path v2 = buildLayer(profile.layer().withVersion("4.22.0.1"));
        Path failing = Files.writeString(tmp.resolve("fail-health"), "#!/bin/sh\necho 'injected health failure' >&2\nexit 1\n");
        Path v3 = buildLayer(profile.layer().withVersion("4.22.0.2").withHealthCheck("bin/fail-health", 20,
                List.of(new FileEntry(failing, "bin/fail-health", 0755))));

        BootableImage.Disk disk = BootableImage.open(Bundle.file(".qcow2.bz2"), Files.createDirectories(tmp.resolve("disk")));
        int readyBefore;
        Pattern readyLine = Pattern.compile("STRATA-READY .*layer=(\\S+)");
        try (RunningVm vm = RunningVm.start(disk.file(), List.of(v2, v3), 512, LayerUpgradeIT::say)) {
            Matcher ready = vm.awaitConsole(readyLine, 1, BOOT);
            assertThat(ready.group(1)).isEqualTo("4.22.0");
            try (GuestAgent guest = vm.guestAgent(Duration.ofMinutes(3))) {
                assertThat(read(guest, "/proc/sys/net/ipv4/ip_forward").strip()).as("a router forwards").isEqualTo("1");
                assertThat(health(guest)).containsPattern("\"version\"\\s*:\\s*\"4\\.22\\.0\"");
                tableSwapKeepsCounters(guest);

                // install and switch live to 4.22.0.1 (the layer file is the VM's second disk)
                GuestAgent.Exec install = strata(guest, "layer", "install", "/dev/vdb");
                assertThat(install.exitCode()).as(install.all()).isZero();
                assertThat(install.stdout()).contains("installed 4.22.0.1");
                long switchStart = System.nanoTime();
                GuestAgent.Exec live = strata(guest, "layer", "activate", "4.22.0.1", "--live");
                say(String.format("activate --live 4.22.0.1 -> healthy in %.1f s (TCG)", (System.nanoTime() - switchStart) / 1e9));
                assertThat(live.exitCode()).as(live.all()).isZero();
                assertThat(live.stdout()).contains("restarted: strata-agent.service").contains("health gate: good");
                assertThat(health(guest)).containsPattern("\"version\"\\s*:\\s*\"4\\.22\\.0\\.1\"");
                assertThat(strata(guest, "layer", "list").stdout())
                        .containsPattern("4\\.22\\.0\\.1\\s+latest, known-good");

                // 4.22.0.2's health check fails: the gate rolls back to 4.22.0.1 and says why
                assertThat(strata(guest, "layer", "install", "/dev/vdc").exitCode()).isZero();
                GuestAgent.Exec bad = strata(guest, "layer", "activate", "4.22.0.2", "--live");
                assertThat(bad.exitCode()).as(bad.all()).isNotZero();
                assertThat(bad.all()).contains("rolled-back").contains("did not pass its health check");
                assertThat(read(guest, "/data/router/last-check")).contains("result=rolled-back")
                        .contains("checked=4.22.0.2").contains("active=4.22.0.1").contains("injected health failure");
                assertThat(guest.exec("/usr/bin/readlink", List.of("/router/latest"), CMD).stdout().strip())
                        .isEqualTo("4.22.0.1");
                assertThat(health(guest)).containsPattern("\"version\"\\s*:\\s*\"4\\.22\\.0\\.1\"");

                // 4.22.0.2 for the next boot only: the boot-time gate tries it once, then rolls back
                assertThat(strata(guest, "layer", "activate", "4.22.0.2").exitCode()).isZero();
                readyBefore = vm.countConsole(readyLine);
                try {
                    guest.exec("/usr/bin/systemctl", List.of("reboot"), Duration.ofSeconds(20));
                } catch (java.io.IOException e) {
                    say("reboot: " + e.getMessage()); // the guest may go down before it reports the exit
                }
            }
            Matcher again = vm.awaitConsole(readyLine, readyBefore + 1, BOOT);
            assertThat(again.group(1)).isEqualTo("4.22.0.1");
            assertThat(vm.console()).contains("layer 4.22.0.2 on trial (boot 1)")
                    .containsPattern("STRATA-LAYER result=rolled-back checked=4.22.0.2 active=4.22.0.1");
        }
    }

    private Path buildLayer(Layer layer) {
        Path cache = BuildOptions.defaultCacheDir();
        SigningKey key = SigningKey.resolve(null, cache, LayerUpgradeIT::say);
        LayerBuilder.Result r = new LayerBuilder(new CommandRunner(tmp.resolve("layer.log")))
                .build(new LayerBuilder.Inputs(layer, Bundle.layerJars(), key.privateKey(), key.publicKey(),
                        BuildOptions.defaultEpoch()), cache, tmp);
        return r.file();
    }

    private static GuestAgent.Exec strata(GuestAgent guest, String... args) throws Exception {
        GuestAgent.Exec e = guest.exec(STRATA, List.of(args), CMD);
        say("strata " + String.join(" ", args) + " -> " + e.exitCode() + "\n" + e.all().strip());
        return e;
    }

    /**
     * The agent changes a table's shape in place (docs/agent.md, "Whole-table changes"): one
     * transaction flushes the rules, deletes the chains, sets and maps and declares them anew,
     * and never touches the named counters, which keep their values. That Linux 6.1, the VM's
     * kernel, takes this (a host with a newer kernel cannot tell) is checked here with nft itself.
     */
    private static void tableSwapKeepsCounters(GuestAgent guest) throws Exception {
        String decl = "add set inet swaptest s { type ipv4_addr; flags interval; elements = { %s } }; "
                + "add map inet swaptest m { type ipv4_addr : ipv4_addr; elements = { 203.0.113.9 : %s } }; "
                + "add chain inet swaptest f { type filter hook prerouting priority -150; policy accept; }; "
                + "add rule inet swaptest f ip saddr @s counter name c accept; "
                + "add chain inet swaptest n { type nat hook prerouting priority dstnat; policy accept; }; "
                + "add rule inet swaptest n dnat ip to ip daddr map @m";
        nft(guest, "add table inet swaptest; add counter inet swaptest c { packets 7 bytes 700 }; "
                + String.format(decl, "10.0.0.0/8", "10.1.1.9"));
        nft(guest, "flush table inet swaptest; delete chain inet swaptest f; delete chain inet swaptest n; "
                + "delete set inet swaptest s; delete map inet swaptest m; " + String.format(decl, "192.0.2.0/24", "10.1.1.10"));
        String table = nft(guest, "list table inet swaptest");
        assertThat(table).contains("packets 7 bytes 700", "192.0.2.0/24", "203.0.113.9 : 10.1.1.10").doesNotContain("10.0.0.0/8");
        nft(guest, "delete table inet swaptest");
    }

    private static String nft(GuestAgent guest, String commands) throws Exception {
        GuestAgent.Exec e = guest.exec("/usr/sbin/nft", List.of(commands), CMD);
        assertThat(e.exitCode()).as("nft %s: %s", commands, e.all()).isZero();
        return e.stdout();
    }

    private static String health(GuestAgent guest) throws Exception {
        GuestAgent.Exec e = guest.exec("/router/latest/bin/strata-health", List.of(), CMD);
        assertThat(e.exitCode()).as(e.all()).isZero();
        return e.stdout();
    }

    private static String read(GuestAgent guest, String file) throws Exception {
        return guest.exec("/usr/bin/cat", List.of(file), CMD).stdout();
    }

    private static void say(String msg) {
        System.out.println("[layer-upgrade] " + msg);
    }
}
