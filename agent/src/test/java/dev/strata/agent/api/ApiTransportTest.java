package dev.strata.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, items 2, 3, 6, 7: the API's two doors against idle, slow and malformed clients, in
 * process with a stand-in handler (health answers at once; {@code POST /slow} takes a while), on
 * a real Unix socket and a real mutual-TLS TCP port (openssl-made certificates).
 */
@Timeout(120)
class ApiTransportTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Short limits so that the tests see them act: 4 connections, 1 worker, 1-2 s deadlines. */
    private static final ApiLimits SHORT = new ApiLimits(4, 1, 1_000, 1_500, 1_500, 10_000, 2_000);

    private static ApiHandler.Reply handle(ApiHandler.HttpRequest r) {
        if (r.path().equals("/slow")) {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String body = "{\"status\":\"ok\",\"path\":\"" + r.path() + "\",\"bytes\":" + r.body().length + "}";
        return new ApiHandler.Reply(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private Path unix(ApiLimits limits) throws Exception {
        Path socket = tmp.resolve("run/agent.sock");
        ApiServer s = new ApiServer(ApiTransportTest::handle, socket, null, limits);
        s.start();
        open.add(s);
        return socket;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    // ---- Unix socket -----------------------------------------------------------------------

    @Test
    void idleClientsDoNotStopHealthOrOtherClients() throws Exception {
        Path socket = unix(ApiLimits.DEFAULT);
        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            idle.add(connect(socket)); // connected, sending nothing
        }
        SocketChannel partial = connect(socket);
        partial.write(ByteBuffer.wrap("GET /v1/hea".getBytes(StandardCharsets.US_ASCII)));
        SocketChannel shortBody = connect(socket);
        shortBody.write(ByteBuffer.wrap("POST /v1/config HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"a\"".getBytes(StandardCharsets.US_ASCII)));

        long t0 = System.nanoTime();
        assertThat(request(socket, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(request(socket, "PUT /v1/config HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")).startsWith("HTTP/1.1 200");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        for (SocketChannel c : idle) {
            c.close();
        }
        partial.close();
        shortBody.close();
    }

    @Test
    void slowClientsLoseTheirConnectionWhenTheirTimeIsUp() throws Exception {
        Path socket = unix(SHORT);
        SocketChannel idle = connect(socket);
        SocketChannel shortBody = connect(socket);
        shortBody.write(ByteBuffer.wrap("POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII)));
        long t0 = System.nanoTime();
        assertThat(readAll(idle)).isEmpty(); // closed by the agent, without an answer
        assertThat(readAll(shortBody)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1_000), Duration.ofSeconds(5));
    }

    @Test
    void whenEverySlotIsTakenANewClientDisplacesTheOldestIdleOne() throws Exception {
        Path socket = unix(new ApiLimits(4, 1, 60_000, 60_000, 60_000, 10_000, 60_000));
        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            idle.add(connect(socket));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(request(socket, "GET /v1/health HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        for (SocketChannel c : idle) {
            c.close();
        }
    }

    @Test
    void healthIsAnsweredWhileEveryWorkerIsBusy() throws Exception {
        Path socket = unix(SHORT); // one worker
        Thread slow = new Thread(() -> request(socket, "POST /slow HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        slow.start();
        Thread.sleep(300);
        long t0 = System.nanoTime();
        assertThat(request(socket, "GET /v1/health HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1_500));
        slow.join();
    }

    @Test
    void malformedHeadsAreRefusedAtOnce() throws Exception {
        Path socket = unix(ApiLimits.DEFAULT);
        assertThat(request(socket, "GET /v1/health HTTP/1.1\nHost: x\n\n")).startsWith("HTTP/1.1 400").contains("bare LF");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}"))
                .startsWith("HTTP/1.1 400").contains("more than one Content-Length");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"))
                .startsWith("HTTP/1.1 400");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: -1\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("bad Content-Length");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n")).startsWith("HTTP/1.1 413");
        assertThat(request(socket, "POST /v1/config HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")).startsWith("HTTP/1.1 411");
        assertThat(request(socket, "GET /v1/health HTTP/1.1\r\nX: a\r\n folded\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(request(socket, "GET /v1/health HTTP/1.1\r\nBad Name: a\r\n\r\n")).startsWith("HTTP/1.1 400");
        // and the good ones still work, Expect: 100-continue included
        assertThat(request(socket, "PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"))
                .contains("HTTP/1.1 200").contains("\"bytes\":3");
        // bare LFs in a body are the body's business (pretty-printed JSON has them)
        assertThat(request(socket, "PUT /x HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\n\"a\"\n}"))
                .startsWith("HTTP/1.1 200").contains("\"bytes\":7");
    }

    @Test
    void theSocketIsNeverReachableWithAWiderModeThan0600() throws Exception {
        // A poller looks at the socket's path as fast as it can while the agent's order of start
        // (bind, start, restrict) runs 30 times; it must never see anything but 0600.
        Path socket = tmp.resolve("race/agent.sock");
        Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        AtomicReference<String> seen = new AtomicReference<>();
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(socket));
                    if (!mode.equals("rw-------")) {
                        seen.compareAndSet(null, mode);
                    }
                } catch (IOException e) {
                    // not there (yet, or any more)
                }
            }
        });
        poller.start();
        try {
            for (int i = 0; i < 30; i++) {
                ApiServer s = new ApiServer(ApiTransportTest::handle, socket, null, ApiLimits.DEFAULT);
                s.start();
                ApiServer.restrict(socket);
                s.close();
                Files.deleteIfExists(socket);
            }
        } finally {
            poller.interrupt();
            poller.join();
        }
        assertThat(seen.get()).as("mode seen at the socket's path").isNull();
        assertThat(Files.list(socket.getParent()).map(p -> p.getFileName().toString()).toList()).isEmpty();
    }

    @Test
    void aSocketFolderTheAgentCreatesIs0700WhateverTheUmask() throws Exception {
        Path socket = unix(ApiLimits.DEFAULT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(request(socket, "GET /v1/health HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    // ---- mutual TLS -----------------------------------------------------------------------

    @Test
    void halfSentTlsHeadersDoNotStopATrustedClient() throws Exception {
        makeCertificates();
        ApiServer s = new ApiServer(ApiTransportTest::handle, tmp.resolve("tls/agent.sock"),
                new ApiServer.Tls(0, "127.0.0.1", tmp.resolve("server.crt"), tmp.resolve("server.key"), tmp.resolve("ca.crt")),
                new ApiLimits(8, 4, 2_000, 2_000, 2_000, 10_000, 2_000));
        s.start();
        open.add(s);
        int port = s.tcpPort();
        List<Socket> stuck = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // more than the 8 slots
            Socket c = new Socket();
            c.connect(new InetSocketAddress("127.0.0.1", port));
            c.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8}); // 5 bytes of a ClientHello record
            c.getOutputStream().flush();
            stuck.add(c);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(tlsGet(port, true)).startsWith("200");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
        assertThat(tlsGet(port, false)).startsWith("failed"); // no certificate: still refused

        // Their time is up after 2 s: the agent closed them.
        for (Socket c : stuck) {
            c.setSoTimeout(5_000);
            InputStream in = c.getInputStream();
            try {
                assertThat(in.read()).isEqualTo(-1);
            } catch (IOException e) {
                // connection reset: closed too
            }
            c.close();
        }
    }

    @Test
    void theTcpApiBindsTheControlAddressByDefault() throws Exception {
        Path cmdline = Files.writeString(tmp.resolve("cmdline"),
                "template=domP type=router eth0ip=10.1.1.1 eth1ip=169.254.3.4 eth1mask=255.255.0.0 eth2ip=203.0.113.5\n");
        String[] tls = {"--tcp-port", "8443", "--tls-cert", "c", "--tls-key", "k", "--tls-client-ca", "ca"};
        assertThat(dev.strata.agent.AgentOptions.parse(concat(tls, "--boot-config", cmdline.toString())).tls().host())
                .isEqualTo("169.254.3.4");
        Files.writeString(cmdline, "type=vpcrouter eth0ip=169.254.9.9 eth1ip=203.0.113.5\n");
        assertThat(dev.strata.agent.AgentOptions.parse(concat(tls, "--boot-config", cmdline.toString())).tls().host())
                .isEqualTo("169.254.9.9");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.strata.agent.AgentOptions.parse(
                concat(tls, "--boot-config", tmp.resolve("missing").toString())))
                .hasMessageContaining("names none").hasMessageContaining("--tcp-host");
        assertThat(dev.strata.agent.AgentOptions.parse(concat(tls, "--tcp-host", "0.0.0.0")).tls().host()).isEqualTo("0.0.0.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.strata.agent.AgentOptions.parse(concat(tls, "--tcp-host",
                "localhost"))).hasMessageContaining("expected an IPv4 or IPv6 address");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    private static String request(Path socket, String raw) {
        try (SocketChannel ch = connect(socket)) {
            ch.write(ByteBuffer.wrap(raw.getBytes(StandardCharsets.US_ASCII)));
            return readAll(ch);
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    private static String readAll(SocketChannel ch) throws IOException {
        InputStream in = Channels.newInputStream(ch);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset: what came is the answer
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private String tlsGet(int port, boolean withCertificate) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(PemFiles.trust(tmp.resolve("ca.crt")));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            if (withCertificate) {
                kmf.init(PemFiles.identity(tmp.resolve("client.crt"), tmp.resolve("client.key")), PemFiles.password());
            } else {
                java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
                empty.load(null, null);
                kmf.init(empty, PemFiles.password());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            HttpClient c = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    private void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f("ca.key"), "-out", f("ca.crt"), "-subj", "/CN=ca", "-days", "2");
        signed("server", "subjectAltName=IP:127.0.0.1");
        signed("client", "extendedKeyUsage=clientAuth");
    }

    private void signed(String name, String extension) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f(name + ".key"), "-out", f(name + ".csr"), "-subj", "/CN=" + name);
        Files.writeString(tmp.resolve(name + ".ext"), extension + "\n");
        openssl("x509", "-req", "-in", f(name + ".csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"),
                "-CAcreateserial", "-out", f(name + ".crt"), "-days", "2", "-extfile", f(name + ".ext"));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private String f(String name) {
        return tmp.resolve(name).toString();
    }
}
