package dev.strata.builder.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the QEMU guest agent (qemu-ga, in the image) over its virtio-serial channel, as a
 * management host would: runs programs in the guest with argument lists ({@code guest-exec}),
 * no shell, no network and no SSH keys needed. Protocol: JSON lines (QEMU's QGA reference).
 */
public final class GuestAgent implements AutoCloseable {

    /** A finished guest program. */
    public record Exec(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks the end of the channel in {@link #lines}. */
    private static final String CLOSED = "\u0000closed";

    private final SocketChannel channel;
    /** Lines from the guest, read by a daemon thread: a channel's stream has no read timeout. */
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private long syncId = System.nanoTime() & 0x7fffffff;

    private GuestAgent(SocketChannel channel) {
        this.channel = channel;
        // Reads and writes go straight to the channel: the java.nio.channels.Channels stream
        // wrappers share one lock, so a blocked reader would block every write.
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            try {
                while (channel.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        if (b == '\n') {
                            lines.add(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else if (b != (byte) 0xFF) { // 0xFF: guest-sync-delimited's marker, never in JSON
                            line.write(b);
                        }
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // closed
            }
            lines.add(CLOSED);
        }, "qga-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and waits until the guest agent answers (it starts late in the guest's boot). */
    public static GuestAgent connect(Path socket, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                GuestAgent agent = new GuestAgent(ch);
                if (agent.sync(Duration.ofSeconds(5))) {
                    return agent;
                }
                agent.close();
            } catch (IOException e) {
                last = e;
                if (ch != null) {
                    ch.close();
                }
            }
            Thread.sleep(1000);
        }
        throw new IOException("the guest agent did not answer on " + socket + " within " + timeout.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    /** guest-sync: flushes stale answers; true once the guest answers with our id. */
    private boolean sync(Duration wait) throws IOException, InterruptedException {
        long id = ++syncId;
        send("guest-sync", JSON.createObjectNode().put("id", id));
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null || line.isBlank()) {
                continue;
            }
            if (line.equals(CLOSED)) {
                return false;
            }
            JsonNode answer = JSON.readTree(line);
            if (answer != null && answer.path("return").asLong(-1) == id) {
                return true;
            }
        }
        return false;
    }

    /** Runs a program in the guest and waits for it. */
    public Exec exec(String path, List<String> args, Duration timeout) throws IOException, InterruptedException {
        ObjectNode a = JSON.createObjectNode().put("path", path).put("capture-output", true);
        args.forEach(a.putArray("arg")::add);
        if (args.isEmpty()) {
            a.remove("arg");
        }
        long pid = call("guest-exec", a).path("pid").asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = call("guest-exec-status", JSON.createObjectNode().put("pid", pid));
            if (status.path("exited").asBoolean()) {
                return new Exec(status.path("exitcode").asInt(-1), decode(status.path("out-data")),
                        decode(status.path("err-data")));
            }
            Thread.sleep(500);
        }
        throw new IOException(path + " " + args + " did not finish in the guest within " + timeout.toSeconds() + " s");
    }

    /**
     * Writes a file in the guest the way CloudStack's KVM host hands a system VM its boot
     * configuration (scripts/vm/hypervisor/kvm/patch.sh): guest-file-open with mode {@code w+},
     * guest-file-write of the base64 bytes, guest-file-close.
     */
    public void writeFile(String path, byte[] content) throws IOException, InterruptedException {
        long handle = call("guest-file-open", JSON.createObjectNode().put("path", path).put("mode", "w+")).asLong();
        try {
            call("guest-file-write", JSON.createObjectNode().put("handle", handle)
                    .put("buf-b64", Base64.getEncoder().encodeToString(content)));
        } finally {
            call("guest-file-close", JSON.createObjectNode().put("handle", handle));
        }
    }

    private JsonNode call(String command, ObjectNode arguments) throws IOException, InterruptedException {
        send(command, arguments);
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException("the guest agent did not answer " + command + " within 60 s");
            }
            if (line.equals(CLOSED)) {
                throw new IOException("the guest agent closed the channel");
            }
            if (line.isBlank()) {
                continue;
            }
            JsonNode answer = JSON.readTree(line);
            if (answer.has("error")) {
                throw new IOException("guest agent: " + command + " failed: " + answer.get("error").path("desc").asText());
            }
            if (answer.has("return")) {
                return answer.get("return");
            }
        }
    }

    private void send(String command, ObjectNode arguments) throws IOException {
        ObjectNode msg = JSON.createObjectNode().put("execute", command);
        msg.set("arguments", arguments);
        ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static String decode(JsonNode data) {
        return data.isMissingNode() || data.isNull() ? ""
                : new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
