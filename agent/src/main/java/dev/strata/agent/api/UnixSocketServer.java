package dev.strata.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * HTTP/1.1 ({@link HttpWire}) on the agent's Unix socket, served within {@link ApiLimits} by
 * {@link Connections}. Who may connect is decided by file modes (root only): the socket is bound
 * inside a fresh 0700 folder, made 0600 there, and only then renamed to its path, so it is never
 * reachable with looser permissions, whatever umask the agent was started with (the JDK cannot
 * set the umask, and a bind creates the socket with mode 0777 minus the umask). The JDK has the
 * channel, so no library and no native code.
 */
final class UnixSocketServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Connections connections;
    private final Thread acceptor;

    UnixSocketServer(Path socket, Connections.Handler handler, ApiLimits limits) throws IOException {
        this.server = bindPrivately(socket);
        this.connections = new Connections("api-unix", false, handler, limits);
        this.acceptor = new Thread(this::acceptLoop, "api-unix-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds in {@code .<name>.bind-<pid>/} beside the socket (0700, created with that mode, so
     * no umask widens it), chmods the socket 0600 and renames it into place; the rename is
     * atomic, so at its path the socket is 0600 from its first instant.
     */
    static ServerSocketChannel bindPrivately(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Path privateDir = dir.resolve("." + socket.getFileName() + ".bind-" + ProcessHandle.current().pid());
        deleteTree(privateDir);
        Files.createDirectory(privateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            Path bound = privateDir.resolve("s");
            ch.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        } finally {
            deleteTree(privateDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    void start() {
        acceptor.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                connections.admit(new UnixConn(server.accept()));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            } catch (OutOfMemoryError e) {
                // A request elsewhere is using the heap up; it gets its 503. This thread must live on.
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.close();
    }

    /** A connection on the socket: blocking streams over the channel; closing the channel ends them. */
    private static final class UnixConn implements Conn {
        private final SocketChannel ch;
        private final InputStream in;
        private final OutputStream out;

        UnixConn(SocketChannel ch) {
            this.ch = ch;
            this.in = Channels.newInputStream(ch);
            this.out = Channels.newOutputStream(ch);
        }

        @Override
        public void open() {
            // nothing to negotiate: the file mode let the client in
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public void abort() {
            close();
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException e) {
                // already gone
            }
        }

        @Override
        public void refuse(byte[] reply) {
            try {
                ch.write(ByteBuffer.wrap(reply)); // a few hundred bytes into an empty socket buffer: does not block
            } catch (IOException e) {
                // gone already
            }
            close();
        }
    }
}
