package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.GuestAgent;
import dev.strata.builder.boot.RunningVm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What CloudStack's KVM host does with a router, step by step, against the booted KVM template:
 * QEMU with the guest-agent channel and three virtio NICs (guest, control, public) whose taps
 * live in this test's namespaces; the boot configuration written through the guest agent as
 * patch.sh does; wait for 3922 on the control address; scp (legacy protocol) of agent.zip,
 * cloud-scripts.tgz and patch-sysvms.sh; get_template_version.sh; a router start as one
 * aggregated VR cfg by vr_cfg.sh; a port forward in and source NAT out with real traffic; one more
 * rule by update_config.py; the host's live patch (its patch-sysvms.sh would fail loudly if it
 * ran); the router still serves. One VM boot (TCG is slow here: minutes).
 */
// Opt-in (-Dstrata.it.hostEmulator=true) for now: it passed on its branch (170 s under TCG), but on the merged main
// (d39c448) the early configuration logged 'Cannot find device "eth0"' once (NIC naming raced under load?) and the test's
// no-early-config-error assertion failed. See docs/cloudstack.md "In the VM"; re-enable when it passes on main.
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "strata.it.hostEmulator", matches = "true")
class HostEmulatorIT {

    private static final Duration BOOT = Duration.ofSeconds(Long.parseLong(System.getProperty("strata.boot.timeout", "600")));
    private static final String CTL_IP = "169.254.3.7";

    @TempDir
    Path tmp;

    private final String id = "he" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final String nsGuest = id + "-g";
    private final String nsHost = id + "-c";
    private final String nsOut = id + "-o";
    private final List<String> namespaces = List.of(nsGuest, nsHost, nsOut);
    private Path key;

    private static void say(String s) {
        System.out.println("[host-emulator] " + s);
    }

    private static Proc.Result sh(String... args) throws IOException, InterruptedException {
        return Proc.run(args);
    }

    private static Proc.Result must(String... args) throws IOException, InterruptedException {
        Proc.Result r = Proc.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.output()).isZero();
        return r;
    }

    private static List<String> in(String ns, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(args));
        return c;
    }

    /** ssh as the host's router_proxy.sh does: port 3922, root, the host's key, no host key check. */
    private Proc.Result ssh(String command) throws IOException, InterruptedException {
        return Proc.run(in(nsHost, "ssh", "-p", "3922", "-q", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10", "-i", key.toString(), "root@" + CTL_IP, command).toArray(String[]::new));
    }

    /** scp with the legacy SCP protocol (what CloudStack's trilead client speaks), into /var/cache/cloud/. */
    private Proc.Result scp(Path... files) throws IOException, InterruptedException {
        List<String> c = in(nsHost, "scp", "-O", "-P", "3922", "-q", "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-i", key.toString());
        for (Path f : files) {
            c.add(f.toString());
        }
        c.add("root@" + CTL_IP + ":/var/cache/cloud/");
        return Proc.run(c.toArray(String[]::new));
    }

    private static String sha512(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(f)));
    }

    @Test
    void aRouterStartAndLivePatchAsTheKvmHostDoesIt() throws Exception {
        try {
            run();
        } finally {
            for (String ns : namespaces) {
                sh("ip", "netns", "del", ns);
            }
            for (int i = 0; i < 3; i++) {
                sh("ip", "link", "del", id + "t" + i); // taps not yet moved into a namespace
            }
        }
    }

    private void run() throws Exception {
        // the host's key pair, as the management server makes it (ssh-keygen -t ecdsa -m PEM)
        key = tmp.resolve("id_rsa.cloud");
        must("ssh-keygen", "-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", key.toString());
        String pub = Files.readString(tmp.resolve("id_rsa.cloud.pub")).strip();

        for (String ns : namespaces) {
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String[] taps = {id + "t0", id + "t1", id + "t2"};
        String[] macs = {"02:00:4c:5e:00:01", "0e:00:a9:fe:03:07", "1e:00:aa:00:00:02"};
        List<String> nics = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            must("ip", "tuntap", "add", "dev", taps[i], "mode", "tap");
            nics.addAll(List.of("-netdev", "tap,id=n" + i + ",ifname=" + taps[i] + ",script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=n" + i + ",mac=" + macs[i]));
        }

        // the guest VM behind eth0 serves tcp/80; the outside behind eth2 serves tcp/9000; both answer with the peer's address
        BootableImage.Disk disk = BootableImage.open(Bundle.file(".qcow2.bz2"), Files.createDirectories(tmp.resolve("disk")));
        try (RunningVm vm = RunningVm.start(disk.file(), List.of(), 512, nics, HostEmulatorIT::say)) {
            // Past the boot loader first: a broken nested KVM fails there and the VM is started again
            // under TCG, by a new QEMU that opens the taps anew (so they must still be here).
            vm.awaitConsole(Pattern.compile("strata-init: switching to systemd"), 1, BOOT);
            // QEMU holds the taps open: now they move into their namespaces
            String[][] place = {{taps[0], nsGuest, "10.1.1.20/24", "10.1.1.1"}, {taps[1], nsHost, "169.254.0.1/16", null},
                {taps[2], nsOut, "203.0.113.1/24", null}};
            for (String[] p : place) {
                must("ip", "link", "set", p[0], "netns", p[1]);
                must("ip", "-n", p[1], "addr", "add", p[2], "dev", p[0]);
                must("ip", "-n", p[1], "link", "set", p[0], "up");
                if (p[3] != null) {
                    must("ip", "-n", p[1], "route", "add", "default", "via", p[3]);
                }
            }
            Process guestServer = new ProcessBuilder(in(nsGuest, "socat", "TCP-LISTEN:80,fork,reuseaddr",
                    "SYSTEM:echo seen $SOCAT_PEERADDR")).start();
            Process outServer = new ProcessBuilder(in(nsOut, "socat", "TCP-LISTEN:9000,fork,reuseaddr",
                    "SYSTEM:echo seen $SOCAT_PEERADDR")).start();
            try {
                hostSteps(vm, pub);
            } finally {
                guestServer.destroyForcibly();
                outServer.destroyForcibly();
                say("console tail:\n" + tail(vm.console(), 40));
            }
        }
    }

    private void hostSteps(RunningVm vm, String pub) throws Exception {
        String bootArgs = " template=domP name=r-4-VM eth0ip=10.1.1.1 eth0mask=255.255.255.0 privateMtu=1500"
                + " domain=cs1cloud.internal cidrsize=24 dhcprange=10.1.1.1 eth1ip=" + CTL_IP + " eth1mask=255.255.0.0"
                + " type=router disable_rp_filter=true eth2ip=203.0.113.10 eth2mask=255.255.255.0 gateway=203.0.113.1"
                + " publicMtu=1500 dns1=192.0.2.53 authorized_key="
                + Base64.getEncoder().encodeToString(pub.getBytes(StandardCharsets.UTF_8)) + " logrotatefrequency=daily";
        long t0 = System.nanoTime();
        try (GuestAgent qga = vm.guestAgent(BOOT)) {
            // patch.sh: guest-ping / guest-sync (connect does the sync), then the file through guest-file-*
            qga.writeFile("/var/cache/cloud/cmdline", bootArgs.getBytes(StandardCharsets.UTF_8));
        }
        say(String.format("boot configuration written through the guest agent after %.0f s", (System.nanoTime() - t0) / 1e9));

        // LibvirtStartCommandWrapper: wait for 3922 on the control address
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (sh(in(nsHost, "bash", "-c", "exec 3<>/dev/tcp/" + CTL_IP + "/3922").toArray(String[]::new)).exitCode() != 0) {
            assertThat(System.nanoTime()).as("port 3922 on " + CTL_IP).isLessThan(deadline);
            Thread.sleep(2000);
        }
        say(String.format("3922 answers after %.0f s", (System.nanoTime() - t0) / 1e9));
        assertThat(sh(in(nsHost, "ping", "-c", "1", "-W", "5", CTL_IP).toArray(String[]::new)).exitCode())
                .as("the control NIC answers ICMP").isZero();

        // FileUtil.scpPatchFiles: the three files, legacy SCP
        Path agentZip = Files.write(tmp.resolve("agent.zip"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Path tgz = tmp.resolve("cloud-scripts.tgz");
        Files.createDirectories(tmp.resolve("tgz/opt/cloud/bin"));
        Files.writeString(tmp.resolve("tgz/opt/cloud/bin/update_config.py"), "#!/usr/bin/python3\nraise SystemExit(99)\n");
        must("tar", "-C", tmp.resolve("tgz").toString(), "-czf", tgz.toString(), "opt");
        Path patch = Files.writeString(tmp.resolve("patch-sysvms.sh"), "#!/bin/bash\necho 'the host patch script ran'\nexit 99\n");
        Proc.Result r = scp(agentZip, tgz, patch);
        assertThat(r.exitCode()).as("scp: " + r.output()).isZero();

        // GetDomRVersionCmd
        r = ssh("/opt/cloud/bin/get_template_version.sh");
        assertThat(r.exitCode()).as(r.output()).isZero();
        String[] version = r.output().split("&", -1);
        assertThat(version).hasSize(2);
        assertThat(version[0]).matches("Cloudstack Release 4\\.22\\.0(\\.\\d+)? .*");
        assertThat(version[1].strip()).isEqualTo(sha512(tgz));
        say("get_template_version.sh: " + r.output().strip());

        // the router start: AggregationControlCommand Finish -> VR-<uuid>.cfg, vr_cfg.sh -c
        Path cfg = tmp.resolve("VR-4e3b1f2a-7c55-4d2e-9a0b-0c1d2e3f4a5b.cfg");
        // the same router start the agent's golden test uses (ips, firewall, forward, static NAT, DHCP, password, metadata, monitor)
        Files.copy(Path.of(System.getProperty("strata.profile.dir"), "..", "..", "agent", "src", "test", "resources", "cloudstack",
                "router-start.cfg"), cfg);
        assertThat(scp(cfg).exitCode()).isZero();
        long s0 = System.nanoTime();
        r = ssh("/opt/cloud/bin/vr_cfg.sh -c /var/cache/cloud/" + cfg.getFileName());
        say(String.format("vr_cfg.sh in the VM (TCG): %.0f ms: %s", (System.nanoTime() - s0) / 1e6, r.output().strip()));
        assertThat(r.exitCode()).as(r.output()).isZero();

        // traffic: a port forward in, source NAT out
        String in = socat(nsOut, "203.0.113.10", 8080);
        assertThat(in).as("port forward 203.0.113.10:8080 -> 10.1.1.20:80").isEqualTo("seen 203.0.113.1");
        assertThat(socat(nsGuest, "203.0.113.1", 9000)).as("source NAT").isEqualTo("seen 203.0.113.10");

        // one more rule by update_config.py (firewall opening for tcp/9090, then a forward behind it)
        Path one = Files.writeString(tmp.resolve("forwarding_rules.json.0d2c"), "{\"rules\":[{\"revoke\":false,\"protocol\":\"tcp\","
                + "\"source_ip_address\":\"203.0.113.10\",\"source_port_range\":\"9090:9090\",\"destination_ip_address\":\"10.1.1.20\","
                + "\"destination_port_range\":\"80:80\",\"source_cidr_list\":\"\"}],\"type\":\"forwardrules\",\"delete_from_processed_cache\":false}");
        Path fw = Files.writeString(tmp.resolve("firewall_rules.json.0d2d"), "{\"rules\":[{\"id\":31,\"src_ip\":\"203.0.113.10\","
                + "\"protocol\":\"tcp\",\"src_port_range\":[9090,9090],\"revoked\":false,\"source_cidr_list\":[\"0.0.0.0/0\"],"
                + "\"purpose\":\"Firewall\",\"traffic_type\":\"Ingress\"}],\"type\":\"firewallrules\",\"delete_from_processed_cache\":false}");
        assertThat(scp(one, fw).exitCode()).isZero();
        assertThat(ssh("/opt/cloud/bin/update_config.py " + one.getFileName()).exitCode()).isZero();
        assertThat(socat(nsOut, "203.0.113.10", 9090)).as("no firewall opening yet").isNotEqualTo("seen 203.0.113.1");
        s0 = System.nanoTime();
        r = ssh("/opt/cloud/bin/update_config.py " + fw.getFileName());
        say(String.format("update_config.py one rule in the VM (TCG): %.0f ms", (System.nanoTime() - s0) / 1e6));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(socat(nsOut, "203.0.113.10", 9090)).isEqualTo("seen 203.0.113.1");

        // the live patch: the host scp's the three files and runs its own patch-sysvms.sh
        assertThat(scp(agentZip, tgz, patch).exitCode()).isZero();
        r = ssh("/var/cache/cloud/patch-sysvms.sh");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("the host patch script ran");
        String[] parts = r.output().replace('\n', ' ').split(":");
        assertThat(parts).hasSize(2);
        assertThat(parts[1].strip().split(" ")[0]).isEqualTo(sha512(tgz));
        assertThat(ssh("grep -q strata-front /opt/cloud/bin/update_config.py && findmnt -n -o OPTIONS / | grep -qw ro").exitCode())
                .as("the read-only root and the layer's fronts are untouched").isZero();
        assertThat(socat(nsOut, "203.0.113.10", 8080)).as("still serving after the live patch").isEqualTo("seen 203.0.113.1");
        assertThat(ssh("/opt/cloud/bin/get_template_version.sh").output().split("&")[1].strip()).isEqualTo(sha512(tgz));
        // no unit failed on the way (strata-ready reports them; a failed ssh.service once hid behind a late retry)
        assertThat(vm.countConsole(Pattern.compile("STRATA-FAILED"))).as("failed units in the VM").isZero();
        // the early configuration set the boot NICs itself (its errors reach the console)
        assertThat(vm.countConsole(Pattern.compile("cloudstack-early-config\\[\\d+\\]: (Error|RTNETLINK)")))
                .as("errors of the early configuration").isZero();
    }

    private static String socat(String ns, String host, int port) throws IOException, InterruptedException {
        Proc.Result r = Proc.run(in(ns, "timeout", "10", "socat", "-T", "5", "-", "TCP:" + host + ":" + port + ",connect-timeout=5")
                .toArray(String[]::new));
        return r.output().strip();
    }

    private static String tail(String s, int lines) {
        String[] l = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - lines), l.length));
    }
}
