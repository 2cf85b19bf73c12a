package dev.strata.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The layer's health check: {@code GET /v1/health} on the Unix socket. Prints the body; exits 0
 * when the agent says "ok", 1 otherwise (and on timeout or connection failure, with one line on
 * stderr saying why).
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        System.exit(probe(args));
    }

    static int probe(String... args) {
        Path socket = Path.of("/run/strata/agent.sock");
        int timeout = 10;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                System.err.println("health: " + args[i] + " needs a value (--socket PATH, --timeout-seconds N)");
                return 1;
            }
            switch (args[i]) {
                case "--socket" -> socket = Path.of(args[++i]);
                case "--timeout-seconds" -> {
                    try {
                        timeout = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        System.err.println("health: --timeout-seconds " + args[i] + ": not a number");
                        return 1;
                    }
                }
                default -> {
                    System.err.println("health: unknown option " + args[i] + " (--socket PATH, --timeout-seconds N)");
                    return 1;
                }
            }
        }
        try {
            UnixHttp.Reply r = new UnixHttp(socket, Duration.ofSeconds(timeout)).get("/v1/health");
            System.out.println(r.body().strip());
            JsonNode n = new ObjectMapper().readTree(r.body());
            if (r.status() == 200 && "ok".equals(n.path("status").asText())) {
                return 0;
            }
            System.err.println("health: agent answered " + r.status() + " status " + n.path("status").asText("?")
                    + (n.has("error") ? ": " + n.path("error").asText() : ""));
            return 1;
        } catch (Exception e) {
            System.err.println("health: " + e.getMessage());
            return 1;
        }
    }
}
