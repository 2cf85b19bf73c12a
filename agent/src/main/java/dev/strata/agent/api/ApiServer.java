package dev.strata.agent.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The API's two doors, both on the JDK alone: the Unix socket, root only
 * ({@link UnixSocketServer}), and optionally TCP with mutual TLS ({@link TlsServer}), where a
 * client without a certificate signed by the trusted CA fails the handshake and never reaches
 * the handler. (Jetty did this too, at about 400 more classes and a few more threads; the API
 * needs no more HTTP than this.)
 */
public final class ApiServer implements AutoCloseable {

    /** TLS settings: the agent's certificate and key, and the CA whose client certificates are let in. */
    public record Tls(int port, String host, Path cert, Path key, Path clientCa) {
    }

    private final UnixSocketServer unix;
    private final TlsServer tcp;

    public ApiServer(ApiHandler handler, Path socket, Tls tls) {
        this(handler::handle, socket, tls, ApiLimits.DEFAULT);
    }

    ApiServer(Connections.Handler handler, Path socket, Tls tls, ApiLimits limits) {
        prepareSocket(socket);
        try {
            unix = new UnixSocketServer(socket, handler, limits);
            tcp = tls == null ? null : new TlsServer(tls, handler, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the API on " + socket + (tls == null ? "" : " and TCP port " + tls.port())
                    + ": " + e.getMessage(), e);
        }
    }

    public void start() {
        unix.start();
        if (tcp != null) {
            tcp.start();
        }
    }

    /** The TCP port actually bound (useful with port 0), or -1. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    /**
     * The socket's folder, when the agent creates it, is created 0700 (the mode is given to
     * mkdir, which a umask can only narrow; no chmod after, so no instant with a wider mode). A
     * socket left by a killed agent is replaced by the bind ({@link UnixSocketServer#bindPrivately}).
     */
    private static void prepareSocket(Path socket) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Kept for callers of the old order (bind, then chmod): the socket is already 0600 when bound. */
    public static void restrict(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict socket " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        unix.close();
        if (tcp != null) {
            tcp.close();
        }
    }
}
