package dev.strata.agent.api;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API on TCP with mutual TLS, on the JDK's own HTTPS server: the client must present a
 * certificate signed by the trusted CA, or the handshake fails and no request is ever read.
 */
final class TlsServer implements AutoCloseable {

    private final HttpsServer server;
    private final ExecutorService workers;

    TlsServer(ApiServer.Tls tls, ApiHandler handler) throws IOException {
        SSLContext ctx = context(tls);
        server = HttpsServer.create(new InetSocketAddress(tls.host(), tls.port()), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readNBytes((int) ApiHandler.MAX_BODY + 1);
                } catch (OutOfMemoryError e) {
                    body = null; // the body alone did not fit: nothing was read into the model
                }
                ApiHandler.Reply reply = body == null ? ApiHandler.outOfMemory() : body.length > ApiHandler.MAX_BODY
                        ? new ApiHandler.Reply(413, "application/json",
                                "{\"error\":\"request body too large\"}".getBytes(StandardCharsets.UTF_8))
                        : handler.handle(new ApiHandler.HttpRequest(exchange.getRequestMethod(),
                                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), body));
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
                exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        });
        workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "api-tls");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
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
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
