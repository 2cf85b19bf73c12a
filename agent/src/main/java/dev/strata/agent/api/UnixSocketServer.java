package dev.strata.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HTTP/1.1 on the agent's Unix socket, the small part of HTTP the API needs: one request per
 * connection ({@code Connection: close}), a body only with {@code Content-Length} (chunked
 * requests get 411), {@code Expect: 100-continue} honoured. Who may connect is decided by the
 * socket's file mode (root only); the JDK has the channel, so no library and no native code.
 */
final class UnixSocketServer implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocketChannel server;
    private final ApiHandler handler;
    private final ExecutorService workers;
    private final Thread acceptor;

    UnixSocketServer(Path socket, ApiHandler handler) throws IOException {
        this.handler = handler;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // Two workers: calls that change state are serialised anyway; a second one keeps health answering meanwhile.
        this.workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "api-unix");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "api-unix-accept");
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                workers.execute(() -> serve(ch));
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

    private void serve(SocketChannel ch) {
        try (ch) {
            ApiHandler.Reply reply;
            try {
                reply = handler.handle(read(ch));
            } catch (HttpError e) {
                reply = new ApiHandler.Reply(e.status, "application/json",
                        ("{\"error\":\"" + e.getMessage() + "\"}").getBytes(StandardCharsets.UTF_8));
            } catch (OutOfMemoryError e) {
                reply = ApiHandler.outOfMemory(); // the body alone did not fit: nothing was read into the model
            }
            write(ch, reply);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static ApiHandler.HttpRequest read(SocketChannel ch) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(8192);
        byte[] rest = null;
        while (rest == null) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new HttpError(400, "connection closed before the request was complete");
            }
            head.write(one.array(), 0, one.position());
            byte[] h = head.toByteArray();
            int end = indexOf(h, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end >= 0) {
                rest = java.util.Arrays.copyOfRange(h, end + 4, h.length);
                head.reset();
                head.write(h, 0, end);
            } else if (h.length > MAX_HEAD) {
                throw new HttpError(431, "request head larger than " + MAX_HEAD + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] start = lines[0].split(" ");
        if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
            throw new HttpError(400, "not an HTTP/1.x request line");
        }
        long length = 0;
        boolean expectContinue = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new HttpError(400, "bad Content-Length");
                    }
                }
                case "transfer-encoding" -> throw new HttpError(411, "send the body with a Content-Length");
                case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                default -> {
                }
            }
        }
        if (length < 0 || length > ApiHandler.MAX_BODY) {
            throw new HttpError(413, "request body larger than " + ApiHandler.MAX_BODY + " bytes");
        }
        if (expectContinue && length > rest.length) {
            ch.write(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
        ByteBuffer body = ByteBuffer.allocate((int) length);
        body.put(rest, 0, (int) Math.min(rest.length, length));
        while (body.hasRemaining()) {
            // At most 64 KB a read: NIO copies through a temporary native buffer as large as what
            // is asked for, which for a whole 10,000-rule body would be megabytes outside the heap.
            body.limit(Math.min(body.capacity(), body.position() + 64 * 1024));
            if (ch.read(body) < 0) {
                throw new HttpError(400, "connection closed before the body was complete");
            }
            body.limit(body.capacity());
        }
        String target = start[1];
        int q = target.indexOf('?');
        return new ApiHandler.HttpRequest(start[0], q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                body.array());
    }

    private static void write(SocketChannel ch, ApiHandler.Reply reply) throws IOException {
        String head = "HTTP/1.1 " + reply.status() + " " + reason(reply.status()) + "\r\nContent-Type: " + reply.contentType()
                + "\r\nContent-Length: " + reply.body().length + "\r\nConnection: close\r\n\r\n";
        ByteBuffer[] out = {ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(reply.body())};
        while (out[1].hasRemaining() || out[0].hasRemaining()) {
            ch.write(out);
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    private static int indexOf(byte[] h, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= h.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (h[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.shutdownNow();
    }

    /** A request that cannot be read as HTTP: answered with its status, never reaching the API. */
    private static final class HttpError extends IOException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
