package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary storage / console proxy VM scripts of the system VM extension (docs/systemvm.md),
 * run from the profile on a folder standing in for the VM's root ({@code STRATA_ROOT}). Programs
 * that change the host (ip, sysctl, systemctl, iptables-restore) are stand-ins that record their
 * arguments; keytool, openssl, unzip and java are the real ones, and the rendered firewall
 * baseline is checked by the real iptables-restore.
 */
class SystemVmScriptsIT {

    static final String SSVM = String.join(" ", "template=domP type=secstorage host=10.1.1.5 port=8250 name=s-1-VM",
            "zone=1 pod=1 guid=s-1-VM workers=5 resource=org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource",
            "instance=SecStorage sslcopy=false role=templateProcessor mtu=1500 eth0ip=169.254.3.4 eth0mask=255.255.0.0",
            "eth1ip=10.1.1.20 eth1mask=255.255.255.0 mgmtcidr=10.1.1.0/24 localgw=10.1.1.1 private.network.device=eth1",
            "eth2ip=203.0.113.20 eth2mask=255.255.255.0 gateway=203.0.113.1 public.network.device=eth2",
            "internaldns1=10.1.1.2 dns1=8.8.8.8 nfsVersion=null keystore_password=YWJjZA==",
            "ntpserverlist=0.pool.ntp.org,10.1.1.3 useHttpsToUpload=false authorized_key=c3NoLXJzYSBBQUFB");

    // VMware-like: the control NIC has no address, so ssh arrives on eth1; a private public address.
    static final String CPVM = String.join(" ", "template=domP type=consoleproxy host=10.1.1.5 port=8250 name=v-2-VM",
            "premium=true zone=1 pod=1 guid=Proxy.2 proxy_vm=2 disable_rp_filter=true eth0ip=0.0.0.0 eth0mask=0.0.0.0",
            "eth1ip=10.1.1.21 eth1mask=255.255.255.0 mgmtcidr=10.1.1.0/24 localgw=10.1.1.1 eth2ip=192.168.50.21",
            "eth2mask=255.255.255.0 gateway=192.168.50.1 internaldns1=10.1.1.2 dns1=8.8.8.8 vncport=8443",
            "keystore_password=YWJjZA==");

    @TempDir
    Path tmp;

    Path root;
    Path fakes;
    Path calls;

    @BeforeEach
    void vmRoot() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        fakes = Files.createDirectories(tmp.resolve("bin"));
        calls = tmp.resolve("calls");
        Files.createDirectories(root.resolve("var/cache/cloud"));
        for (String cmd : List.of("ip", "sysctl", "systemctl", "update-ca-certificates")) {
            fake(cmd, "echo \"" + cmd + " $*\" >> " + calls + "\n");
        }
        fake("iptables-restore", "echo \"iptables-restore $*\" >> " + calls + "\ncat > " + tmp.resolve("applied.v4") + "\n");
        fake("systemd-detect-virt", "echo kvm\n");
        // What the extension's apache2 package brings into /etc (copied there when it is merged).
        Path apache = Files.createDirectories(root.resolve("etc/apache2"));
        Files.writeString(apache.resolve("apache2.conf"), "ServerRoot \"/etc/apache2\"\nInclude ports.conf\n");
        for (String m : List.of("proxy.load", "proxy.conf", "proxy_http.load", "headers.load", "rewrite.load")) {
            Files.writeString(Files.createDirectories(apache.resolve("mods-available")).resolve(m), "# " + m + "\n");
        }
        Files.writeString(Files.createDirectories(apache.resolve("sites-enabled")).resolve("000-default.conf"), "x\n");
        Files.createDirectories(apache.resolve("mods-enabled"));
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(root.resolve("sys/class/net/eth" + i));
        }
    }

    @Test
    void secondaryStorageVmSetUpFromItsBootConfiguration() throws Exception {
        cmdline(SSVM);

        Run r = run(List.of("bash", script("setup").toString(), "secstorage"), Map.of());

        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(root.resolve("etc/hosts")).content().contains("203.0.113.20 s-1-VM\n").contains("127.0.0.1 localhost");
        assertThat(calls()).contains(
                "ip route replace 10.0.0.0/8 via 10.1.1.1 dev eth1",
                "ip route replace 172.16.0.0/12 via 10.1.1.1 dev eth1",
                "ip route replace 192.168.0.0/16 via 10.1.1.1 dev eth1",
                "sysctl -q -w net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0",
                "sysctl -q -w net.ipv4.conf.eth2.rp_filter=0",
                "systemctl restart systemd-timesyncd.service",
                "systemctl restart apache2.service");
        assertThat(root.resolve("etc/systemd/timesyncd.conf.d/cloudstack.conf")).hasContent("[Time]\nNTP=0.pool.ntp.org 10.1.1.3");

        String rules = Files.readString(root.resolve("etc/strata/systemvm/rules.v4"));
        assertThat(rules).contains(":INPUT DROP", ":FORWARD DROP", "-A INPUT -i lo -j ACCEPT",
                "-A INPUT -i eth0 -p tcp -m tcp --dport 3922 -j ACCEPT", "--icmp-type 13 -j DROP");
        assertThat(rules).doesNotContain("8001", "-i eth1 -p tcp -m tcp --dport 3922");
        assertThat(tmp.resolve("applied.v4")).hasContent(rules.strip());
        assertIptablesAccepts(rules);

        Path apache = root.resolve("etc/apache2");
        try (var s = Files.list(apache.resolve("sites-enabled"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("vhost-203.0.113.20.conf");
        }
        String vhost = Files.readString(apache.resolve("sites-enabled/vhost-203.0.113.20.conf"));
        assertThat(vhost).contains("Listen 203.0.113.20:80", "<VirtualHost 203.0.113.20:80>",
                "RewriteCond %{REQUEST_METHOD} =POST",
                "RewriteRule ^/upload/(.*) http://127.0.0.1:8210/upload?uuid=$1 [P,L]",
                "Options -Indexes", "Access-Control-Allow-Origin").doesNotContain("@PUBLIC_IP@");
        assertThat(apache.resolve("apache2.conf")).content().contains("#Include ports.conf");
        for (String m : List.of("proxy.load", "proxy.conf", "proxy_http.load", "headers.load", "rewrite.load")) {
            assertThat(Files.readSymbolicLink(apache.resolve("mods-enabled/" + m))).hasToString("../mods-available/" + m);
        }
        assertThat(root.resolve("mnt/SecStorage")).isDirectory();
        assertThat(root.resolve("root/vncport")).doesNotExist();
    }

    @Test
    void consoleProxyVmSetUpFromItsBootConfiguration() throws Exception {
        cmdline(CPVM);

        Run r = run(List.of("bash", script("setup").toString(), "consoleproxy"), Map.of());

        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(root.resolve("root/vncport")).hasContent("8443");
        assertThat(root.resolve("etc/hosts")).content().contains("192.168.50.21 v-2-VM");
        // The public address is private itself: the default route reaches the private ranges.
        assertThat(calls()).noneMatch(c -> c.startsWith("ip route"));
        assertThat(calls()).noneMatch(c -> c.contains("apache2"));
        String rules = Files.readString(root.resolve("etc/strata/systemvm/rules.v4"));
        assertThat(rules).contains("-A INPUT -i eth1 -p tcp -m tcp --dport 3922 -j ACCEPT",
                "-A INPUT -i eth0 -p tcp -m tcp --dport 8001 -j ACCEPT",
                "-A INPUT -i eth1 -p tcp -m tcp --dport 8001 -j ACCEPT",
                "-A INPUT -i eth2 -p tcp -m tcp --dport 80 -j ACCEPT",
                "-A INPUT -i eth2 -p tcp -m tcp --dport 443 -j ACCEPT",
                "-A INPUT -i eth2 -p tcp -m tcp --dport 8443 -j ACCEPT");
        assertThat(rules).doesNotContain("-i eth0 -p tcp -m tcp --dport 3922");
        assertIptablesAccepts(rules);
    }

    @Test
    void badBootConfigurationIsRefusedByNameAndChangesNothing() throws Exception {
        for (String[] bad : List.of(
                new String[] {SSVM.replace("localgw=10.1.1.1", "localgw=10.1.1.300"), "invalid localgw '10.1.1.300'"},
                new String[] {SSVM.replace("name=s-1-VM", "name=s-1;reboot"), "invalid name 's-1;reboot'"},
                new String[] {SSVM.replace("ntpserverlist=0.pool.ntp.org", "ntpserverlist=$(reboot)"), "invalid NTP server '$(reboot)'"},
                new String[] {CPVM.replace("vncport=8443", "vncport=80443"), "invalid vncport '80443'"},
                new String[] {SSVM, "says type=secstorage, not consoleproxy"})) {
            cmdline(bad[0]);
            Files.deleteIfExists(calls);
            String type = bad[1].startsWith("says") || bad[0].contains("type=consoleproxy") ? "consoleproxy" : "secstorage";

            Run r = run(List.of("bash", script("setup").toString(), type), Map.of());

            assertThat(r.rc()).as(bad[1]).isNotZero();
            assertThat(r.out()).contains(bad[1]);
            assertThat(root.resolve("etc/strata/systemvm/rules.v4")).doesNotExist();
            assertThat(root.resolve("root/vncport")).doesNotExist();
            assertThat(calls()).noneMatch(c -> c.startsWith("iptables") || c.contains("apache2"));
        }
    }

    @Test
    void keystoreCertImportDecodesTheHostsArgumentsAndInstallsTheCertificates() throws Exception {
        cmdline(CPVM);
        Path conf = Files.createDirectories(root.resolve("usr/local/cloud/systemvm/conf"));
        Pki pki = Pki.make(tmp.resolve("pki"));
        Path props = conf.resolve("agent.properties");
        Files.writeString(props, "instance=ConsoleProxy\n");

        // The ten arguments of SetupCertificateCommand, PEM values in CloudStack's encoding.
        Run r = run(List.of("bash", script("keystore-cert-import").toString(), props.toString(), "Pa55word1234abcd",
                conf.resolve("cloud.jks").toString(), "ssh", conf.resolve("cloud.crt").toString(), encode(pki.cert()),
                conf.resolve("cloud.ca.crt").toString(), encode(pki.ca()), conf.resolve("cloud.key").toString(),
                encode(pki.key())), Map.of());

        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(conf.resolve("cloud.crt")).hasContent(pki.cert().strip());
        assertThat(conf.resolve("cloud.ca.crt")).hasContent(pki.ca().strip());
        assertThat(conf.resolve("cloud.key")).hasContent(pki.key().strip());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf.resolve("cloud.key")))).isEqualTo("rw-------");
        assertThat(props).content().contains("keystore.passphrase=Pa55word1234abcd");
        String list = keytoolList(conf.resolve("cloud.jks"), "Pa55word1234abcd");
        assertThat(list).containsPattern("(?m)^cloud, .*PrivateKeyEntry").containsPattern("(?m)^cloudca1, .*trustedCertEntry");
        assertThat(calls()).containsSubsequence("systemctl stop cloud.service", "update-ca-certificates ",
                "systemctl start cloud.service");
        assertThat(root.resolve("var/lib/strata/cloud/ca-certificates/ca.crt")).hasContent(pki.ca().strip());

        // A second import (a renewed certificate) opens the key store with the stored passphrase.
        Run again = run(List.of("bash", script("keystore-cert-import").toString(), props.toString(), "OtherPass0000000",
                conf.resolve("cloud.jks").toString(), "agent", conf.resolve("cloud.crt").toString(), encode(pki.cert()),
                conf.resolve("cloud.ca.crt").toString(), encode(pki.ca()), conf.resolve("cloud.key").toString(),
                encode(pki.key())), Map.of());
        assertThat(again.rc()).as(again.out()).isZero();
        assertThat(keytoolList(conf.resolve("cloud.jks"), "Pa55word1234abcd")).contains("cloudca1");
    }

    @Test
    void keystoreCertImportRefusesWhatIsNotTheHostsArguments() throws Exception {
        cmdline(CPVM);
        Path conf = Files.createDirectories(root.resolve("conf"));
        Run missing = run(List.of("bash", script("keystore-cert-import").toString(), conf.resolve("a.properties").toString(),
                "pw", conf.resolve("cloud.jks").toString(), "ssh"), Map.of());
        assertThat(missing.rc()).isNotZero();
        assertThat(missing.out()).contains("usage: keystore-cert-import", "got 4 arguments");

        Run notPem = run(List.of("bash", script("keystore-cert-import").toString(), conf.resolve("a.properties").toString(),
                "pw", conf.resolve("cloud.jks").toString(), "ssh", conf.resolve("c.crt").toString(), "hello",
                conf.resolve("ca.crt").toString(), "x", conf.resolve("k.key").toString(), "y"), Map.of());
        assertThat(notPem.rc()).isNotZero();
        assertThat(notPem.out()).contains("the cert argument is not an encoded PEM value");
        assertThat(conf.resolve("c.crt")).doesNotExist();

        Run badPath = run(List.of("bash", script("keystore-cert-import").toString(), "../agent.properties",
                "pw", "/x/cloud.jks", "ssh", "/x/c.crt", "a", "/x/ca.crt", "b", "/x/k.key", "c"), Map.of());
        assertThat(badPath.out()).contains("invalid path '../agent.properties'");
    }

    @Test
    void keystoreSetupStoresThePassphraseAndPrintsASigningRequest() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Path props = Files.writeString(conf.resolve("agent.properties"), "keystore.passphrase=old\nworkers=5\n");

        Run r = run(List.of("bash", script("keystore-setup").toString(), props.toString(),
                conf.resolve("cloud.jks").toString(), "N3wPassphrase123", "365", conf.resolve("cloud.csr").toString()), Map.of());

        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(r.out()).contains("-----BEGIN NEW CERTIFICATE REQUEST-----");
        assertThat(props).hasContent("workers=5\nkeystore.passphrase=N3wPassphrase123");
        assertThat(keytoolList(conf.resolve("cloud.jks"), "N3wPassphrase123")).containsPattern("(?m)^cloud, .*PrivateKeyEntry");
    }

    @Test
    void cloudPrepareUnpacksAgentZipAndTheStandInAgentConnectsWithTheBootConfiguration() throws Exception {
        Path state = Files.createDirectories(root.resolve("var/lib/strata/cloud"));
        Files.createDirectories(root.resolve("usr/local"));
        Files.createSymbolicLink(root.resolve("usr/local/cloud"), state); // as the extension links it
        try (ServerSocket ms = new ServerSocket(0)) {
            cmdline(SSVM.replace("host=10.1.1.5 port=8250", "host=127.0.0.1,10.1.1.6 port=" + ms.getLocalPort()));
            Files.copy(StandInAgentZip.make(tmp, "v1"), root.resolve("var/cache/cloud/agent.zip"));

            Run prep = run(List.of("bash", script("cloud-prepare").toString()), Map.of());

            assertThat(prep.rc()).as(prep.out()).isZero();
            Path home = root.resolve("usr/local/cloud/systemvm");
            assertThat(home.resolve("VERSION")).hasContent("v1");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("_run.sh")))).isEqualTo("r-xr-xr-x");
            List<String> props = Files.readAllLines(home.resolve("conf/agent.properties"));
            assertThat(props).contains("workers=5", "instance=SecStorage", "type=secstorage", "keystore_password=YWJjZA==",
                    "resource=org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource")
                    .doesNotContain("instance=ConsoleProxy", "resource=com.cloud.agent.resource.consoleproxy.ConsoleProxyResource");

            // Start it as cloud.service does (cwd = the unpacked folder), in a private mount namespace.
            Path export = Files.createDirectories(tmp.resolve("export/template/tmpl/1/201"));
            Files.writeString(export.resolve("template.properties"), "filename=x.qcow2\n");
            Path mountParent = Files.createDirectories(tmp.resolve("mnt/SecStorage"));
            ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private",
                    home.resolve("_run.sh").toString()).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("agent.log").toFile());
            pb.environment().put("STANDIN_CMDLINE", root.resolve("var/cache/cloud/cmdline").toString());
            pb.environment().put("STANDIN_MOUNT_PARENT", mountParent.toString());
            Process agent = pb.start();
            try {
                ms.setSoTimeout(60_000);
                try (Socket s = ms.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true);
                    String hello = in.readLine();
                    assertThat(hello).startsWith("STANDIN-AGENT-STARTED").contains("type=secstorage", "name=s-1-VM",
                            "guid=s-1-VM", "zone=1", "pod=1", "instance=SecStorage", "eth2ip=203.0.113.20",
                            "resource=org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource",
                            "paths.script=../../scripts/storage/secondary/", "cwd=" + home.toRealPath());
                    out.println("mount " + tmp.resolve("export"));
                    assertThat(in.readLine()).startsWith("MOUNTED bind " + mountParent).endsWith(" template");
                }
            } finally {
                agent.destroyForcibly();
                agent.waitFor(10, TimeUnit.SECONDS);
            }

            // A new agent.zip (live patch): unpacked again, the key store and its passphrase kept.
            Files.writeString(home.resolve("conf/cloud.jks"), "key store");
            Files.writeString(home.resolve("conf/agent.properties"), "keystore.passphrase=kept\n", java.nio.file.StandardOpenOption.APPEND);
            Files.copy(StandInAgentZip.make(tmp, "v2"), root.resolve("var/cache/cloud/agent.zip"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Run again = run(List.of("bash", script("cloud-prepare").toString()), Map.of());
            assertThat(again.rc()).as(again.out()).isZero();
            assertThat(home.resolve("VERSION")).hasContent("v2");
            assertThat(home.resolve("conf/cloud.jks")).hasContent("key store");
            assertThat(Files.readAllLines(home.resolve("conf/agent.properties"))).contains("keystore.passphrase=kept")
                    .containsOnlyOnce("type=secstorage");
            assertThat(state.resolve("systemvm.previous/VERSION")).hasContent("v1");
        }
    }

    @Test
    void cloudPrepareRefusesAZipThatIsNotAnAgentAndKeepsTheUnpackedOne() throws Exception {
        Path state = Files.createDirectories(root.resolve("var/lib/strata/cloud"));
        Files.createDirectories(root.resolve("usr/local"));
        Files.createSymbolicLink(root.resolve("usr/local/cloud"), state);
        cmdline(CPVM);
        Files.copy(StandInAgentZip.make(tmp, "v1"), root.resolve("var/cache/cloud/agent.zip"));
        assertThat(run(List.of("bash", script("cloud-prepare").toString()), Map.of()).rc()).isZero();

        Files.writeString(root.resolve("var/cache/cloud/agent.zip"), "not a zip");
        Run r = run(List.of("bash", script("cloud-prepare").toString()), Map.of());

        assertThat(r.rc()).isNotZero();
        assertThat(r.out()).contains("agent.zip is not a readable zip file");
        assertThat(state.resolve("systemvm/VERSION")).hasContent("v1");
    }

    // --- helpers ---

    record Run(int rc, String out) {
    }

    record Pki(String ca, String cert, String key) {
        static Pki make(Path dir) throws Exception {
            Files.createDirectories(dir);
            exec(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                    "-days", "2", "-subj", "/CN=Test CloudStack CA");
            exec(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "vm.key", "-out", "vm.csr",
                    "-subj", "/CN=v-2-VM");
            exec(dir, "openssl", "x509", "-req", "-in", "vm.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "vm.crt", "-days", "2");
            return new Pki(Files.readString(dir.resolve("ca.crt")), Files.readString(dir.resolve("vm.crt")),
                    Files.readString(dir.resolve("vm.key")));
        }
    }

    /** CloudStack's KeyStoreUtils encoding: newline -> '^', space -> '~'. */
    static String encode(String pem) {
        return pem.replace("\n", "^").replace(" ", "~");
    }

    private String keytoolList(Path ks, String pass) throws Exception {
        return exec(tmp, "keytool", "-list", "-keystore", ks.toString(), "-storepass", pass);
    }

    private static String exec(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    private void assertIptablesAccepts(String rules) throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/iptables-restore", "--test").redirectErrorStream(true).start();
        p.getOutputStream().write(rules.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("iptables-restore --test: " + out).isZero();
    }

    private void cmdline(String line) throws Exception {
        Files.writeString(root.resolve("var/cache/cloud/cmdline"), line + "\n");
    }

    private List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : new ArrayList<>();
    }

    private void fake(String name, String body) throws Exception {
        Path f = Files.writeString(fakes.resolve(name), "#!/bin/sh\n" + body);
        f.toFile().setExecutable(true);
    }

    private static Path script(String name) {
        return Path.of(System.getProperty("strata.profile.dir"), "files", "systemvm", name);
    }

    private Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_ROOT", root.toString());
        pb.environment().put("STRATA_SYSTEMVM_LIB", script("").toString());
        pb.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
