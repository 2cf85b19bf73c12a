package dev.strata.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The part of HTTP/1.1 the API speaks, the same on both doors: one request per connection
 * ({@code Connection: close}), a body only with one {@code Content-Length} (chunked requests get
 * 411), {@code Expect: 100-continue} honoured. Strict where leniency is a way in: lines end with
 * CRLF (a bare LF or CR is a 400, not a wait for a blank line that never comes), one
 * Content-Length of digits only (two of them, or {@code -1}, are a 400), no folded headers.
 * Hand-written rather than a library because the API needs this little (see {@link ApiServer}).
 */
final class HttpWire {

    static final int MAX_HEAD = 64 * 1024;
    private static final byte[] END = {'\r', '\n', '\r', '\n'};
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private HttpWire() {
    }

    /** The request line and headers, and whatever of the body came with them. */
    record Head(String method, String target, long contentLength, boolean expectContinue, byte[] rest) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String query() {
            int q = target.indexOf('?');
            return q < 0 ? null : target.substring(q + 1);
        }

        /** {@code GET /v1/health} without a body: served without waiting for a worker. */
        boolean isHealth() {
            return method.equals("GET") && path().equals("/v1/health") && contentLength == 0;
        }
    }

    static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int scanned = 0;
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new HttpError(400, "connection closed before the request head was complete");
            }
            got.write(chunk, 0, n);
            byte[] h = got.toByteArray();
            int end = indexOf(h, END, Math.max(0, scanned - 3));
            // Lines end with CRLF: refuse a bare LF or CR in the head (not the body) as soon as it is seen.
            int limit = end >= 0 ? end + 2 : h.length;
            for (int i = Math.max(0, scanned - 1); i < limit; i++) {
                if (h[i] == '\n' && (i == 0 || h[i - 1] != '\r')) {
                    throw new HttpError(400, "bare LF in the request head: HTTP/1.1 lines end with CRLF");
                }
                if (h[i] == '\r' && i + 1 < h.length && h[i + 1] != '\n') {
                    throw new HttpError(400, "bare CR in the request head: HTTP/1.1 lines end with CRLF");
                }
            }
            scanned = h.length;
            if (end >= 0) {
                if (end > MAX_HEAD) {
                    throw new HttpError(431, "request head larger than " + MAX_HEAD + " bytes");
                }
                return parse(new String(h, 0, end, StandardCharsets.ISO_8859_1), Arrays.copyOfRange(h, end + 4, h.length));
            }
            if (h.length > MAX_HEAD) {
                throw new HttpError(431, "request head larger than " + MAX_HEAD + " bytes");
            }
        }
    }

    private static Head parse(String head, byte[] rest) throws HttpError {
        String[] lines = head.split("\r\n", -1);
        String[] start = lines[0].split(" ", -1);
        if (start.length != 3 || !TOKEN.matcher(start[0]).matches() || start[1].isEmpty()
                || !start[2].matches("HTTP/1\\.[01]")) {
            throw new HttpError(400, "not an HTTP/1.x request line");
        }
        long length = 0;
        boolean sawLength = false;
        boolean expectContinue = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw new HttpError(400, "folded header line " + i + " (obsolete line folding is not accepted)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new HttpError(400, "bad header line " + i);
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    if (sawLength) {
                        throw new HttpError(400, "more than one Content-Length header");
                    }
                    sawLength = true;
                    if (!DIGITS.matcher(value).matches()) {
                        throw new HttpError(400, "bad Content-Length '" + value + "': expected a number of bytes");
                    }
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        length = Long.MAX_VALUE;
                    }
                }
                case "transfer-encoding" -> throw new HttpError(411, "send the body with a Content-Length");
                case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                default -> {
                }
            }
        }
        if (length > ApiHandler.MAX_BODY) {
            throw new HttpError(413, "request body larger than " + ApiHandler.MAX_BODY + " bytes");
        }
        return new Head(start[0], start[1], length, expectContinue, rest);
    }

    /** The body the head announced; what came with the head first, the rest at most 64 KB a read. */
    static byte[] readBody(InputStream in, OutputStream out, Head head) throws IOException {
        int length = (int) head.contentLength();
        byte[] rest = head.rest();
        if (head.expectContinue() && length > rest.length) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = new byte[length];
        int have = Math.min(rest.length, length);
        System.arraycopy(rest, 0, body, 0, have);
        while (have < length) {
            // 64 KB a read: NIO copies through a temporary native buffer as large as what is asked for.
            int n = in.read(body, have, Math.min(64 * 1024, length - have));
            if (n < 0) {
                throw new HttpError(400, "connection closed after " + have + " of the " + length
                        + " body bytes its Content-Length announced");
            }
            have += n;
        }
        return body;
    }

    static byte[] replyBytes(ApiHandler.Reply reply) {
        String head = "HTTP/1.1 " + reply.status() + " " + reason(reply.status()) + "\r\nContent-Type: " + reply.contentType()
                + "\r\nContent-Length: " + reply.body().length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + reply.body().length);
        System.arraycopy(reply.body(), 0, all, h.length, reply.body().length);
        return all;
    }

    static void write(OutputStream out, ApiHandler.Reply reply) throws IOException {
        String head = "HTTP/1.1 " + reply.status() + " " + reason(reply.status()) + "\r\nContent-Type: " + reply.contentType()
                + "\r\nContent-Length: " + reply.body().length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        for (int off = 0; off < reply.body().length; off += 64 * 1024) {
            out.write(reply.body(), off, Math.min(64 * 1024, reply.body().length - off));
        }
        out.flush();
    }

    static ApiHandler.Reply error(int status, String message) {
        try {
            return new ApiHandler.Reply(status, "application/json",
                    dev.strata.agent.Json.shared().writeValueAsBytes(java.util.Map.of("error", message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new ApiHandler.Reply(status, "application/json", "{\"error\":\"bad request\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static int indexOf(byte[] h, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= h.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (h[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
