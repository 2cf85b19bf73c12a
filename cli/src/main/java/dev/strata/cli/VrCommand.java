package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.UnixHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata vr ...}: the virtual-router agent's API over its Unix socket. */
@Command(name = "vr", usageHelpWidth = 100, mixinStandardHelpOptions = true,
        description = {"Talk to the VR agent over its Unix socket: desired and applied state, apply, diff, history,",
            "rollback, health. Output for people by default, --json for machines.", "",
            "Exit status: 0 done, 1 the agent is unhealthy or unreachable, 2 the agent refused the request."},
        subcommands = {VrCommand.Show.class, VrCommand.Apply.class, VrCommand.Diff.class, VrCommand.History.class,
            VrCommand.Rollback.class, VrCommand.Health.class})
final class VrCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Options every vr subcommand takes. */
    static class Connection {
        @Option(names = "--socket", defaultValue = "/run/strata/agent.sock", paramLabel = "PATH",
                description = "The agent's API socket (default: ${DEFAULT-VALUE}).")
        Path socket;

        @Option(names = "--json", description = "Print the agent's JSON answer as it is.")
        boolean json;

        @Option(names = "--timeout-seconds", defaultValue = "120", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        int timeout;

        UnixHttp http() {
            return new UnixHttp(socket, Duration.ofSeconds(timeout));
        }
    }

    abstract static class Call implements Callable<Integer> {
        @Mixin
        Connection conn = new Connection();

        @Override
        public Integer call() {
            UnixHttp.Reply r;
            try {
                r = request();
            } catch (IOException e) {
                System.err.println("strata vr: " + e.getMessage());
                return 1;
            }
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                System.err.println("strata vr: the agent answered " + r.status() + " with no JSON: " + r.body());
                return 1;
            }
            if (conn.json) {
                System.out.println(r.body().strip());
                return r.status() == 200 ? ok(body) : 2;
            }
            if (r.status() != 200) {
                printError(r.status(), body);
                return 2;
            }
            return print(body);
        }

        abstract UnixHttp.Reply request() throws IOException;

        /** Human output of a 200 answer; the exit status. */
        abstract int print(JsonNode body);

        int ok(JsonNode body) {
            return 0;
        }
    }

    @Command(name = "show", description = "Desired and applied state with their generations, and what each part holds.")
    static final class Show extends Call {
        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().get("/v1/state");
        }

        @Override
        int print(JsonNode s) {
            JsonNode applied = s.path("applied");
            System.out.printf("desired generation %d (%s, %s)%n", s.at("/desired/generation").asLong(),
                    s.at("/desired/operation").asText(), s.at("/desired/createdAt").asText());
            System.out.printf("applied generation %d%s%n", applied.path("generation").asLong(),
                    applied.path("inSync").asBoolean() ? ", in sync" : ", NOT in sync: " + applied.path("error").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = s.at("/desired/config").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                System.out.printf("  %-14s %d%n", e.getKey(), e.getValue().size());
            }
            return applied.path("inSync").asBoolean() ? 0 : 1;
        }
    }

    @Command(name = "apply", description = "Replace the whole configuration with FILE (JSON) in one transaction.")
    static final class Apply extends Call {
        @Parameters(paramLabel = "FILE", description = "The router's desired state (see docs/agent.md).")
        Path file;

        @Option(names = "--diff", description = "List the items added and removed, not only how many.")
        boolean items;

        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().send("PUT", "/v1/config" + (items ? "?diff=full" : ""), Files.readString(file, StandardCharsets.UTF_8));
        }

        @Override
        int print(JsonNode o) {
            if (o.path("changed").asBoolean()) {
                System.out.println("applied: generation " + o.path("generation").asLong());
                printDiff(o.path("diff"));
            } else {
                System.out.println("unchanged: generation " + o.path("generation").asLong());
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "Dry run of FILE: what would change, and the exact nft script that would be loaded.")
    static final class Diff extends Call {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--ruleset", description = "Also print the nft script and the ip commands.")
        boolean ruleset;

        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().send("PUT", "/v1/config?dryRun=true", Files.readString(file, StandardCharsets.UTF_8));
        }

        @Override
        int print(JsonNode o) {
            if (!o.path("changed").asBoolean()) {
                System.out.println("no change from generation " + o.path("generation").asLong());
                return 0;
            }
            System.out.println("changes from generation " + o.path("generation").asLong() + ":");
            printDiff(o.path("diff"));
            String script = o.path("nftScript").asText();
            boolean whole = script.startsWith("table ") || script.startsWith("flush table ");
            System.out.println(whole ? "nft: the whole table would be replaced ("
                    + script.lines().count() + " lines)" : "nft: element updates only (" + script.lines().count() + " lines)");
            if (ruleset) {
                System.out.println();
                System.out.print(script);
                o.path("ipCommands").forEach(c -> System.out.println("ip " + c.asText()));
            }
            return 0;
        }
    }

    @Command(name = "history", description = "Accepted generations, oldest first.")
    static final class History extends Call {
        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().get("/v1/history");
        }

        @Override
        int print(JsonNode list) {
            System.out.printf("%-8s %-20s %s%n", "GEN", "CREATED", "OPERATION");
            list.forEach(g -> System.out.printf("%-8d %-20s %s%n", g.path("generation").asLong(), seconds(g.path("createdAt").asText()),
                    g.path("operation").asText()));
            return 0;
        }
    }

    @Command(name = "rollback", description = "Make generation GEN's configuration current again (as a new generation).")
    static final class Rollback extends Call {
        @Parameters(paramLabel = "GEN")
        long generation;

        @Option(names = "--diff", description = "List the items added and removed, not only how many.")
        boolean items;

        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().send("POST", "/v1/rollback" + (items ? "?diff=full" : ""), "{\"generation\":" + generation + "}");
        }

        @Override
        int print(JsonNode o) {
            System.out.println("rolled back to generation " + generation + ": now generation " + o.path("generation").asLong());
            printDiff(o.path("diff"));
            return 0;
        }
    }

    @Command(name = "health", description = "Is the agent up with its last accepted generation applied? Exit 0 if so, 1 if not.")
    static final class Health extends Call {
        @Override
        UnixHttp.Reply request() throws IOException {
            return conn.http().get("/v1/health");
        }

        @Override
        int print(JsonNode h) {
            System.out.printf("%s: version %s, generation %d%s%n", h.path("status").asText(), h.path("version").asText(),
                    h.path("generation").asLong(), h.has("error") ? " (" + h.path("error").asText() + ")" : "");
            return ok(h);
        }

        @Override
        int ok(JsonNode h) {
            return "ok".equals(h.path("status").asText()) ? 0 : 1;
        }
    }

    /** 2026-11-24T15:30:06.749745652Z -> 2026-11-24T15:30:06Z: people read seconds. */
    static String seconds(String instant) {
        int dot = instant.indexOf('.');
        return dot < 0 ? instant : instant.substring(0, dot) + "Z";
    }

    /** Per part: how many items were added and removed, then the items themselves when the agent sent them. */
    static void printDiff(JsonNode diff) {
        for (Iterator<Map.Entry<String, JsonNode>> it = diff.path("parts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            System.out.println("  " + e.getKey() + ": +" + e.getValue().path("addedCount").asInt() + " -"
                    + e.getValue().path("removedCount").asInt());
            e.getValue().path("removed").forEach(i -> System.out.println("    - " + i));
            e.getValue().path("added").forEach(i -> System.out.println("    + " + i));
        }
    }

    static void printError(int status, JsonNode body) {
        System.err.println("strata vr: refused (" + status + "): " + body.path("error").asText());
        body.path("problems").forEach(p -> System.err.println("  " + p.path("path").asText()
                + (p.path("value").isNull() || p.path("value").isMissingNode() ? "" : " = " + p.path("value").asText())
                + ": " + p.path("message").asText()));
    }
}
