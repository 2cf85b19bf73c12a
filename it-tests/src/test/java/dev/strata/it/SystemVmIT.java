package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.GuestAgent;
import dev.strata.builder.boot.RunningVm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secondary storage VM and a console proxy VM on the built KVM template under QEMU, started
 * the way an unchanged KVM host starts them (reference §2.4): the boot configuration written
 * into /var/cache/cloud/cmdline through the guest agent (patch.sh's guest-file-open/write/close),
 * agent.zip into /var/cache/cloud, the wait for /opt/cloud/bin/keystore* (patched.sh), then
 * keystore-cert-import with a certificate made here. The management server is this test: the
 * stand-in agent must connect to it with the boot configuration's values.
 *
 * <p>Three user-mode networks stand for CloudStack's NICs: eth0 control, eth1 management (the
 * guest reaches this host as 10.0.2.2), eth2 public (ports forwarded from 127.0.0.1). Until the
 * early configuration of issue 13 is in the template, this test does its part itself through
 * the guest agent (NIC names by MAC, addresses) and then starts the type's target, as the early
 * configuration will.
 */
class SystemVmIT {

    private static final Duration BOOT = Duration.ofSeconds(Long.parseLong(System.getProperty("strata.boot.timeout", "600")));
    private static final Duration CMD = Duration.ofMinutes(8);
    private static final Pattern READY = Pattern.compile("STRATA-READY[^\\n]*");

    @TempDir
    Path tmp;

    @Test
    void secondaryStorageVm() throws Exception {
        boot("secstorage", "s-1-VM");
    }

    @Test
    void consoleProxyVm() throws Exception {
        boot("consoleproxy", "v-2-VM");
    }

    private void boot(String type, String name) throws Exception {
        BootableImage.Disk disk = BootableImage.open(Bundle.file(".qcow2.bz2"), Files.createDirectories(tmp.resolve("disk")));
        int http = freePort();
        int cmd = freePort();
        int vnc = freePort();
        try (ServerSocket ms = new ServerSocket(0)) {
            ms.setSoTimeout((int) CMD.toMillis());
            String cmdline = String.join(" ", "template=domP type=" + type, "host=10.0.2.2", "port=" + ms.getLocalPort(),
                    "name=" + name, "zone=1 pod=1 guid=" + name, type.equals("secstorage")
                            ? "resource=org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource instance=SecStorage"
                            : "proxy_vm=2 vncport=8080 premium=false disable_rp_filter=true",
                    "eth0ip=10.0.3.15 eth0mask=255.255.255.0 eth1ip=10.0.2.15 eth1mask=255.255.255.0 localgw=10.0.2.2",
                    "mgmtcidr=10.0.2.0/24 eth2ip=10.0.4.15 eth2mask=255.255.255.0 gateway=10.0.4.2",
                    "internaldns1=10.0.2.3 dns1=10.0.2.3 keystore_password=YWJjZA==");
            List<String> nics = List.of(
                    "-netdev", "user,id=ctl,net=10.0.3.0/24,host=10.0.3.2,restrict=on",
                    "-device", "virtio-net-pci,netdev=ctl,mac=0e:00:a9:fe:03:0f",
                    "-netdev", "user,id=mgmt,net=10.0.2.0/24,host=10.0.2.2",
                    "-device", "virtio-net-pci,netdev=mgmt,mac=1e:00:0a:00:02:0f",
                    "-netdev", "user,id=pub,net=10.0.4.0/24,host=10.0.4.2,hostfwd=tcp:127.0.0.1:" + http + "-10.0.4.15:80"
                            + ",hostfwd=tcp:127.0.0.1:" + cmd + "-10.0.4.15:8001,hostfwd=tcp:127.0.0.1:" + vnc
                            + "-10.0.4.15:8080",
                    "-device", "virtio-net-pci,netdev=pub,mac=1e:00:0a:00:04:0f");
            long started = System.nanoTime();
            try (RunningVm vm = RunningVm.start(disk.file(), List.of(), 1024, nics, SystemVmIT::say)) {
                vm.awaitConsole(READY, 1, BOOT);
                say("ready after " + secs(started) + " s");
                try (GuestAgent guest = vm.guestAgent(Duration.ofMinutes(3))) {
                    // A plain boot (what a router gets) has merged nothing.
                    assertThat(sh(guest, "systemd-sysext status; test ! -e /usr/bin/java && echo no-java").stdout())
                            .contains("no-java").doesNotContain("systemvm");

                    // The host's part (patch.sh, then scpPatchFiles).
                    guest.exec("/bin/mkdir", List.of("-p", "/var/cache/cloud"), CMD);
                    guest.writeFile("/var/cache/cloud/cmdline", (cmdline + "\n").getBytes(StandardCharsets.UTF_8));
                    guest.writeFile("/var/cache/cloud/agent.zip", Files.readAllBytes(StandInAgentZip.make(tmp, "v1")));
                    // Issue 13's early configuration, standing in until it is in the template.
                    GuestAgent.Exec early = sh(guest, String.join("\n",
                            "set -e",
                            "for d in /sys/class/net/*; do n=${d##*/}; case \"$(cat $d/address)\" in",
                            "  0e:00:a9:fe:03:0f) t=eth0 ;; 1e:00:0a:00:02:0f) t=eth1 ;; 1e:00:0a:00:04:0f) t=eth2 ;; *) continue ;; esac",
                            "  [ \"$n\" = \"$t\" ] || { ip link set \"$n\" down; ip link set \"$n\" name \"$t.x\"; }",
                            "done",
                            "for d in /sys/class/net/*.x; do n=${d##*/}; ip link set \"$n\" name \"${n%.x}\"; done",
                            "ip addr add 10.0.3.15/24 dev eth0; ip addr add 10.0.2.15/24 dev eth1; ip addr add 10.0.4.15/24 dev eth2",
                            "for n in eth0 eth1 eth2; do ip link set $n up; done",
                            "ip route replace default via 10.0.4.2 dev eth2",
                            "date > /var/cache/cloud/boot_up_done",
                            "systemctl start --no-block strata-systemvm-" + type + ".target"));
                    assertThat(early.exitCode()).as(early.all()).isZero();

                    // isSystemVMSetup: patched.sh /opt/cloud/bin/keystore* once a second, up to 600 s.
                    long polled = System.nanoTime();
                    GuestAgent.Exec ls = null;
                    for (int i = 0; i < 600; i++) {
                        ls = sh(guest, "ls -lrt /opt/cloud/bin/keystore*");
                        if (ls.exitCode() == 0) {
                            break;
                        }
                        Thread.sleep(1000);
                    }
                    assertThat(ls.exitCode()).as(ls.all()).isZero();
                    say("keystore scripts present " + secs(polled) + " s after the target started");

                    Agent first = awaitHello(ms, h -> true);
                    String hello = first.hello();
                    say("agent connected " + secs(polled) + " s after the target started (" + secs(started)
                            + " s after power-on, TCG): " + hello);
                    assertThat(hello).startsWith("STANDIN-AGENT-STARTED").contains("type=" + type, "name=" + name,
                            "guid=" + name, "zone=1", "pod=1", "version=v1", "cwd=/var/lib/strata/cloud/systemvm");
                    if (type.equals("secstorage")) {
                        assertThat(hello).contains("instance=SecStorage",
                                "resource=org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource");
                        first.out().println("mount /usr/share/strata");
                        assertThat(first.in().readLine()).startsWith("MOUNTED bind /mnt/SecStorage/").contains("systemvm");
                    }
                    say("RSS of the VM (qemu) with the stand-in agent running: " + vm.qemuRssKib() + " KiB; in the guest: "
                            + sh(guest, "free -k | sed -n 2p").stdout().strip());

                    // SetupCertificateCommand: keystore-cert-import with the host's ten arguments.
                    SystemVmScriptsIT.Pki pki = SystemVmScriptsIT.Pki.make(tmp.resolve("pki"));
                    String conf = "/usr/local/cloud/systemvm/conf/";
                    GuestAgent.Exec imp = guest.exec("/opt/cloud/bin/keystore-cert-import", List.of(conf + "agent.properties",
                            "Pa55word1234abcd", conf + "cloud.jks", "ssh", conf + "cloud.crt", SystemVmScriptsIT.encode(pki.cert()),
                            conf + "cloud.ca.crt", SystemVmScriptsIT.encode(pki.ca()), conf + "cloud.key",
                            SystemVmScriptsIT.encode(pki.key())), CMD);
                    assertThat(imp.exitCode()).as(imp.all()).isZero();
                    // cloud restarted by keystore-cert-import: a new agent process, with the key store's passphrase.
                    awaitHello(ms, h -> h.contains("keystore.passphrase=set"));

                    if (type.equals("secstorage")) {
                        // The Java agent opens 80 on the public NIC itself (iptables); the stand-in does not.
                        sh(guest, "iptables -A INPUT -i eth2 -p tcp --dport 80 -j ACCEPT");
                        HttpClient http1 = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
                        HttpResponse<String> upload = http1.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + http + "/upload/5e5e5e5e-0000-4000-8000-000000000001"))
                                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(60)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        // Nothing listens on 8210 (the real agent's upload server): the proxy answers 503, i.e. the rewrite ran.
                        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(503);
                        assertThat(upload.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
                        HttpResponse<String> get = http1.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/"))
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(get.statusCode()).isIn(200, 403);
                    } else {
                        assertThat(sh(guest, "cat /root/vncport").stdout().strip()).isEqualTo("8080");
                        assertThat(sh(guest, "iptables -S INPUT").stdout()).contains("--dport 8001", "--dport 8080");
                    }

                    // patchSystemVm: a new agent.zip, then the live patch instead of the host's patch-sysvms.sh.
                    guest.writeFile("/var/cache/cloud/agent.zip", Files.readAllBytes(StandInAgentZip.make(tmp, "v2")));
                    guest.writeFile("/var/cache/cloud/cloud-scripts.tgz", new byte[] {31, -117, 8, 0});
                    GuestAgent.Exec patch = guest.exec("/usr/lib/strata/systemvm/live-patch", List.of(), CMD);
                    assertThat(patch.exitCode()).as(patch.all()).isZero();
                    assertThat(patch.stdout()).matches("(?s)version:[0-9a-f]{128} \\n");
                    assertThat(awaitHello(ms, h -> h.contains("version=v2")).hello()).contains("keystore.passphrase=set");
                    assertThat(sh(guest, "findmnt -n -o OPTIONS / ; touch /usr/x 2>&1 || echo ro-usr").stdout())
                            .startsWith("ro").contains("ro-usr");
                    say("router layer processes in this VM: "
                            + sh(guest, "systemctl is-active strata-agent.service || true").stdout().strip()
                            + " (issue 13 moves strata-agent under the router targets)");
                }
            }
        }
    }

    record Agent(Socket socket, BufferedReader in, PrintWriter out, String hello) {
    }

    /** Connections are kept open (a dropped one makes the agent reconnect); the first whose hello matches. */
    private final List<Socket> open = new java.util.ArrayList<>();

    private Agent awaitHello(ServerSocket ms, java.util.function.Predicate<String> wanted) throws Exception {
        while (true) {
            Socket s = ms.accept();
            open.add(s);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String hello = in.readLine();
            say("connection: " + hello);
            if (hello != null && wanted.test(hello)) {
                return new Agent(s, in, new PrintWriter(s.getOutputStream(), true), hello);
            }
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeConnections() throws Exception {
        for (Socket s : open) {
            s.close();
        }
    }

    private static GuestAgent.Exec sh(GuestAgent guest, String script) throws Exception {
        return guest.exec("/bin/sh", List.of("-c", script), CMD);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long secs(long since) {
        return (System.nanoTime() - since) / 1_000_000_000L;
    }

    private static void say(String s) {
        System.out.println("[systemvm-it] " + s);
    }
}
