package dev.strata.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API on TCP with mutual TLS: the client must present a certificate signed by the trusted
 * CA, or the handshake fails and no request is ever read. The same HTTP ({@link HttpWire}) and
 * limits ({@link Connections}) as the Unix socket. The handshake runs on the connection's own
 * thread under a deadline, over a plain socket the watchdog can close: a client that sends part
 * of a TLS record and stops (which held the JDK HttpsServer's two workers for good) loses its
 * connection after {@link ApiLimits#handshakeMs()}, and while it lasts it only holds its own slot.
 */
final class TlsServer implements AutoCloseable {

    private final ServerSocket server;
    private final SSLContext ctx;
    private final Connections connections;
    private final Thread acceptor;

    TlsServer(ApiServer.Tls tls, Connections.Handler handler, ApiLimits limits) throws IOException {
        this.ctx = context(tls);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(tls.host()), tls.port()), 64);
        this.connections = new Connections("api-tls", true, handler, limits);
        this.acceptor = new Thread(() -> acceptLoop(limits), "api-tls-accept");
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop(ApiLimits limits) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.admit(new TlsConn(s, ctx, limits));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            } catch (OutOfMemoryError e) {
                Thread.onSpinWait();
            }
        }
    }

    private static SSLContext context(ApiServer.Tls tls) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(PemFiles.identity(tls.cert(), tls.key()), PemFiles.password());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(PemFiles.trust(tls.clientCa()));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.close();
    }

    /** One TCP connection: TLS layered over the plain socket, which is what an abort closes. */
    private static final class TlsConn implements Conn {
        private final Socket plain;
        private final SSLContext ctx;
        private final ApiLimits limits;
        private SSLSocket ssl;

        TlsConn(Socket plain, SSLContext ctx, ApiLimits limits) {
            this.plain = plain;
            this.ctx = ctx;
            this.limits = limits;
        }

        @Override
        public void open() throws IOException {
            plain.setSoTimeout((int) limits.handshakeMs());
            plain.setTcpNoDelay(true);
            ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(),
                    plain.getPort(), true);
            ssl.setUseClientMode(false);
            SSLParameters p = ctx.getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            plain.setSoTimeout((int) limits.headMs());
        }

        @Override
        public InputStream in() throws IOException {
            return ssl.getInputStream();
        }

        @Override
        public OutputStream out() throws IOException {
            return ssl.getOutputStream();
        }

        @Override
        public void abort() {
            try {
                plain.close();
            } catch (IOException e) {
                // already gone
            }
        }

        @Override
        public void close() {
            try {
                if (ssl != null) {
                    ssl.close(); // close_notify, then the plain socket (autoClose)
                }
            } catch (IOException e) {
                // the client went first
            } finally {
                abort();
            }
        }

        @Override
        public void refuse(byte[] reply) {
            abort(); // no TLS yet: nothing can be said
        }
    }
}
