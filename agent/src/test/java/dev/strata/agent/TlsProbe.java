package dev.strata.agent;

import dev.strata.agent.api.PemFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs inside the agent's namespace: {@code TlsProbe URL SERVER_CA [CLIENT_CERT CLIENT_KEY]}
 * GETs the URL over TLS and prints "status N BODY" or "failed REASON".
 */
public final class TlsProbe {

    private TlsProbe() {
    }

    public static void main(String[] args) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(PemFiles.trust(Path.of(args[1])));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            if (args.length > 3) {
                kmf.init(PemFiles.identity(Path.of(args[2]), Path.of(args[3])), PemFiles.password());
            } else {
                KeyStore empty = KeyStore.getInstance("PKCS12");
                empty.load(null, null);
                kmf.init(empty, PemFiles.password());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            HttpClient c = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("status " + r.statusCode() + " " + r.body().replace('\n', ' '));
        } catch (Exception e) {
            System.out.println("failed " + e);
        }
    }
}
