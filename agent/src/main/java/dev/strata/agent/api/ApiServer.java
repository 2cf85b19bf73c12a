package dev.strata.agent.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty (core, no servlets) with a small thread pool: the Unix socket, readable by root only, and
 * optionally TCP with mutual TLS, where a client without a certificate signed by the trusted CA
 * fails the handshake and never reaches the handler.
 */
public final class ApiServer implements AutoCloseable {

    /** TLS settings: the agent's certificate and key, and the CA whose client certificates are let in. */
    public record Tls(int port, String host, Path cert, Path key, Path clientCa) {
    }

    private final Server server;

    public ApiServer(Handler handler, Path socket, Tls tls) {
        // Few threads: one acceptor and one selector per connector, a handful of workers. Calls are serialised anyway.
        QueuedThreadPool pool = new QueuedThreadPool(tls == null ? 6 : 10, 2);
        pool.setName("api");
        pool.setReservedThreads(0);
        server = new Server(pool);
        server.setStopAtShutdown(false);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        prepareSocket(socket);
        UnixDomainServerConnector uds = new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        uds.setUnixDomainPath(socket);
        server.addConnector(uds);
        if (tls != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemFiles.identity(tls.cert(), tls.key()));
            ssl.setKeyStorePassword(new String(PemFiles.password()));
            ssl.setTrustStore(PemFiles.trust(tls.clientCa()));
            ssl.setNeedClientAuth(true);
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false); // clients reach the agent by IP address (link-local control network)
            https.addCustomizer(src);
            ServerConnector tcp = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(https));
            tcp.setPort(tls.port());
            tcp.setHost(tls.host());
            server.addConnector(tcp);
        }
        server.setHandler(handler);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The TCP port actually bound (useful with port 0), or -1. */
    public int tcpPort() {
        for (var c : server.getConnectors()) {
            if (c instanceof ServerConnector s) {
                return s.getLocalPort();
            }
        }
        return -1;
    }

    /**
     * The socket's folder is made root-only (0700) before binding, so there is no moment where
     * another user could connect; the socket itself is then set to 0600.
     */
    private static void prepareSocket(Path socket) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Files.deleteIfExists(socket); // left by a killed agent
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare socket " + socket + ": " + e.getMessage(), e);
        }
    }

    public static void restrict(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict socket " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
