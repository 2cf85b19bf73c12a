package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing of the JSON input against the real agent process: a valid configuration mutated at
 * random (values replaced by strings with quotes, semicolons, braces and new lines, huge or
 * negative numbers, nulls, wrong types; fields dropped or duplicated; the text truncated or
 * garbled), sent to every write endpoint. After each request the agent must still answer, every
 * answer must be a JSON document with a known status, and the kernel must hold exactly the
 * previous table unless the generation moved on (no half-applied change).
 *
 * <p>Seeded and repeatable: {@code -Dfuzz.seed=N -Dfuzz.requests=N}. Plain JUnit with
 * java.util.Random rather than a property-testing library (see docs/agent.md).
 */
class FuzzedRequestsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<Integer> KNOWN = Set.of(200, 400, 404, 413, 500);
    static final String[] NASTY = {"", " ", "\"", "'", ";", "}", "{", "\n", "\\", "$(reboot)", "`id`", "a b", "eth0\nflush ruleset",
        "10.1.1.1/24; drop", "0.0.0.0/0", "::/0", "::", "255.255.255.255", "10.1.1.256", "1.2.3", "01.2.3.4", "2001:db8::1::2",
        "fe80::1%eth0", "65535", "65536", "0", "-1", "1-0", "1:65535", "80-", "tcp", "udp", "icmp", "all", "allow", "deny",
        "ingress", "egress", "public", "guest", "sa-pub", "sa-g1", "x".repeat(300), "\u0000", "é", "\uD83D\uDE00"};

    @RegisterExtension
    final RouterNamespace router = new RouterNamespace();

    AgentProcess agent;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("sa-fuzz");
        agent = router.start(new AgentProcess(router.create("sa-pub", "sa-g1", "sa-g2"), work));
    }

    @AfterEach
    void tearDown() {
        Sh.tryRun("rm", "-rf", "--", work.toString());
    }

    @Test
    void noRequestCrashesTheAgentOrHalfAppliesAChange() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261124L);
        int requests = Integer.getInteger("fuzz.requests", 300);
        Random rnd = new Random(seed);
        String base;
        try (InputStream in = getClass().getResourceAsStream("router.json")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(agent.http().send("PUT", "/v1/config", base).status()).isEqualTo(200);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < requests; i++) {
            String[] req = request(rnd, base);
            long genBefore = generation();
            String tableBefore = table();
            UnixHttp.Reply r = agent.http().send(req[0], req[1], req[2]);
            String what = "seed " + seed + " request " + i + ": " + req[0] + " " + req[1] + " " + abbreviate(req[2]);
            assertThat(KNOWN).as(what + " -> " + r.body()).contains(r.status());
            JsonNode body = JSON.readTree(r.body());
            long genAfter = generation();
            if (r.status() == 200) {
                accepted++;
                assertThat(genAfter).as(what).isIn(genBefore, genBefore + 1);
                if (!body.path("dryRun").asBoolean()) {
                    assertThat(body.path("generation").asLong()).as(what).isEqualTo(genAfter);
                }
            } else {
                refused++;
                assertThat(body.path("error").asText()).as(what).isNotEmpty().doesNotStartWith("internal error");
                assertThat(genAfter).as(what + " -> " + r.body()).isEqualTo(genBefore);
                assertThat(table()).as(what + " -> " + r.body()).isEqualTo(tableBefore);
            }
            JsonNode state = JSON.readTree(agent.http().get("/v1/state").body());
            assertThat(state.at("/applied/inSync").asBoolean()).as(what).isTrue();
        }
        assertThat(JSON.readTree(agent.http().get("/v1/health").body()).path("status").asText()).isEqualTo("ok");
        assertThat(refused).isPositive();
        System.out.printf("fuzz: seed %d, %d requests, %d accepted, %d refused%n", seed, requests, accepted, refused);
    }

    private String[] request(Random rnd, String base) throws Exception {
        JsonNode doc = JSON.readTree(base);
        int mutations = 1 + rnd.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            mutate(rnd, doc);
        }
        String text = doc.toString();
        switch (rnd.nextInt(10)) {
            case 0 -> text = text.substring(0, rnd.nextInt(text.length()));
            case 1 -> {
                char[] c = text.toCharArray();
                c[rnd.nextInt(c.length)] = (char) (32 + rnd.nextInt(95));
                text = new String(c);
            }
            default -> {
            }
        }
        String dry = rnd.nextInt(4) == 0 ? "?dryRun=true" : "";
        return switch (rnd.nextInt(6)) {
            case 0 -> {
                String part = List.of("firewall", "portForwards", "acls", "interfaces", "egress", "nope").get(rnd.nextInt(6));
                JsonNode items = doc.path(part);
                yield new String[] {"PUT", "/v1/config/" + part + dry, items.isMissingNode() ? text : items.toString()};
            }
            case 1 -> {
                JsonNode items = doc.path("firewall");
                ObjectNode patch = JSON.createObjectNode();
                patch.set(rnd.nextBoolean() ? "add" : "remove", items.isArray() && items.size() > 0
                        ? JSON.createArrayNode().add(items.get(rnd.nextInt(items.size()))) : items);
                yield new String[] {"PATCH", "/v1/config/firewall" + dry, patch.toString()};
            }
            case 2 -> new String[] {"POST", "/v1/rollback" + dry, "{\"generation\":" + randomValue(rnd) + "}"};
            default -> new String[] {"PUT", "/v1/config" + dry, text};
        };
    }

    private void mutate(Random rnd, JsonNode doc) {
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(doc, containers);
        ContainerNode<?> c = containers.get(rnd.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(rnd.nextInt(names.size()));
            switch (rnd.nextInt(4)) {
                case 0 -> o.remove(name);
                case 1 -> o.set(rnd.nextBoolean() ? name : name + "x", randomValue(rnd));
                default -> o.set(name, randomValue(rnd));
            }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            int i = rnd.nextInt(a.size());
            switch (rnd.nextInt(3)) {
                case 0 -> a.add(a.get(i).deepCopy());
                case 1 -> a.remove(i);
                default -> a.set(i, randomValue(rnd));
            }
        }
    }

    private static void collect(JsonNode n, List<ContainerNode<?>> out) {
        if (n instanceof ContainerNode<?> c) {
            out.add(c);
            n.elements().forEachRemaining(e -> collect(e, out));
        }
    }

    private static JsonNode randomValue(Random rnd) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (rnd.nextInt(8)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(List.of(-1, 0, 1, 80, 255, 256, 65535, 65536, Integer.MAX_VALUE).get(rnd.nextInt(9)));
            case 2 -> f.numberNode(rnd.nextLong());
            case 3 -> f.booleanNode(rnd.nextBoolean());
            case 4 -> f.arrayNode().add(NASTY[rnd.nextInt(NASTY.length)]);
            case 5 -> f.objectNode().put("a", 1);
            case 6 -> f.numberNode(1.5);
            default -> f.textNode(NASTY[rnd.nextInt(NASTY.length)]);
        };
    }

    private long generation() throws Exception {
        return JSON.readTree(agent.http().get("/v1/health").body()).path("generation").asLong();
    }

    private String table() {
        return NftText.normalized(Sh.in(router.name(), "nft", "list", "table", "inet", "strata"));
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
