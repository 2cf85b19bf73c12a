package dev.strata.builder.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

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

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private long syncId = System.nanoTime() & 0x7fffffff;

    private GuestAgent(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
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
    private boolean sync(Duration wait) throws IOException {
        long id = ++syncId;
        send("guest-sync", JSON.createObjectNode().put("id", id));
        long deadline = System.nanoTime() + wait.toNanos();
        channel.socket(); // keep the channel referenced
        while (System.nanoTime() < deadline) {
            if (!in.ready()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                continue;
            }
            JsonNode answer = JSON.readTree(in.readLine());
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

    private JsonNode call(String command, ObjectNode arguments) throws IOException {
        send(command, arguments);
        while (true) {
            String line = in.readLine();
            if (line == null) {
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
        out.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
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
