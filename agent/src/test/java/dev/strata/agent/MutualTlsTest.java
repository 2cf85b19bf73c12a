package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP API is mutual TLS: a client with a certificate from the trusted CA gets answers; a
 * client without a certificate, or with one from another CA, fails the handshake and never
 * reaches the API. Certificates are made by openssl for the test; the agent runs in its own
 * namespace and so do the clients.
 */
class MutualTlsTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final RouterNamespace router = new RouterNamespace();

    AgentProcess agent;

    @BeforeEach
    void setUp() throws Exception {
        router.create();
        ca("ca");
        ca("rogue");
        signed("server", "ca", "subjectAltName=IP:127.0.0.1");
        signed("client", "ca", "extendedKeyUsage=clientAuth");
        signed("intruder", "rogue", "extendedKeyUsage=clientAuth");
        agent = router.start(new AgentProcess(router.name(), tmp.resolve("agent"), "--tcp-port", "8443", "--tcp-host", "127.0.0.1",
                "--tls-cert", f("server.crt"), "--tls-key", f("server.key"), "--tls-client-ca", f("ca.crt")));
    }

    @Test
    void onlyClientsWithACertificateFromTheTrustedCaGetIn() throws Exception {
        assertThat(probe(f("client.crt"), f("client.key"))).startsWith("status 200").contains("\"status\" : \"ok\"");
        assertThat(probe()).startsWith("failed");
        assertThat(probe(f("intruder.crt"), f("intruder.key"))).startsWith("failed");
        assertThat(Files.readString(agent.log)).doesNotContain("Exception");
    }

    @Test
    void theUnixSocketIsRootOnly() throws Exception {
        assertThat(Sh.run("stat", "-c", "%a %U", agent.socket.toString()).strip()).isEqualTo("600 root");
    }

    private String probe(String... identity) {
        String[] cmd = new String[6 + 2 + identity.length];
        int i = 0;
        cmd[i++] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        cmd[i++] = "-XX:TieredStopAtLevel=1";
        cmd[i++] = "-cp";
        cmd[i++] = System.getProperty("java.class.path");
        cmd[i++] = TlsProbe.class.getName();
        cmd[i++] = "https://127.0.0.1:8443/v1/health";
        cmd[i++] = f("ca.crt");
        for (String s : identity) {
            cmd[i++] = s;
        }
        String[] exact = java.util.Arrays.copyOf(cmd, i);
        return Sh.in(router.name(), exact).strip();
    }

    private void ca(String name) {
        Sh.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f(name + ".key"), "-out", f(name + ".crt"), "-subj", "/CN=" + name, "-days", "2");
    }

    private void signed(String name, String ca, String extension) throws Exception {
        Sh.run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f(name + ".key"), "-out", f(name + ".csr"), "-subj", "/CN=" + name);
        Files.writeString(tmp.resolve(name + ".ext"), extension + "\n");
        Sh.run("openssl", "x509", "-req", "-in", f(name + ".csr"), "-CA", f(ca + ".crt"), "-CAkey", f(ca + ".key"),
                "-CAcreateserial", "-out", f(name + ".crt"), "-days", "2", "-extfile", f(name + ".ext"));
    }

    private String f(String name) {
        return tmp.resolve(name).toString();
    }
}
