package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.bench.AgentRulesBench;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10,000-rule router under the VR's own JVM options (agent.jvm.options, the heap a 256 MB VM
 * gives it): whole replacements, history, one generation read back, a dry run with its full
 * diff and script, and the state all answer, and the kernel holds every element. The first
 * version of the history read every stored generation whole and ran out of heap with three of
 * them; the answer to a change echoed every new rule back (2.5 MB) and a dry run ran out too.
 */
class LargeRouterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @RegisterExtension
    final RouterNamespace router = new RouterNamespace();

    AgentProcess agent;

    @Test
    void tenThousandRulesFitTheVrHeapWhateverIsAsked() throws Exception {
        agent = router.start(new AgentProcess(router.create("sa-pub", "sa-g1", "sa-g2"), tmp));
        String v0 = JSON.writeValueAsString(AgentRulesBench.config(4000, 3000, 3000, 0));
        String v1 = JSON.writeValueAsString(AgentRulesBench.config(4000, 3000, 3000, 1));

        JsonNode first = ok(agent.http().send("PUT", "/v1/config", v0));
        assertThat(first.path("generation").asLong()).isEqualTo(1);
        assertThat(first.at("/diff/parts/firewall/addedCount").asInt()).isEqualTo(4000);
        assertThat(first.at("/diff/parts/portForwards/addedCount").asInt()).isEqualTo(3000);
        assertThat(first.at("/diff/parts/firewall").has("added")).as("a change answers with counts only").isFalse();
        assertThat(elements()).isEqualTo(16_072);

        JsonNode second = ok(agent.http().send("PUT", "/v1/config?diff=full", v1));
        assertThat(second.at("/diff/parts/firewall/added")).hasSize(4000);
        assertThat(second.at("/diff/parts/firewall/removed")).hasSize(4000);
        ok(agent.http().send("PUT", "/v1/config", v0));

        JsonNode history = ok(agent.http().get("/v1/history"));
        assertThat(history.findValuesAsText("operation")).containsExactly("apply", "apply", "apply");
        JsonNode two = ok(agent.http().get("/v1/history/2"));
        assertThat(two.at("/config/firewall")).hasSize(4000);
        assertThat(two.at("/config/firewall/0/ports").asText()).isEqualTo("6000");

        JsonNode dry = ok(agent.http().send("PUT", "/v1/config?dryRun=true", v1));
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.at("/diff/parts/acls/added")).hasSize(2);
        assertThat(dry.path("nftScript").asText()).startsWith("flush table inet strata").contains("6000");
        assertThat(ok(agent.http().get("/v1/state")).at("/desired/config/portForwards")).hasSize(3000);

        JsonNode health = ok(agent.http().get("/v1/health"));
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("generation").asLong()).isEqualTo(3);
        assertThat(elements()).as("the dry run loaded nothing").isEqualTo(16_072);
        assertThat(Files.readString(agent.log)).doesNotContain("OutOfMemoryError");

        // A second after the last large request the agent gives back the heap it grew for it: what
        // stays committed is what is live (6 MB) plus a young generation, not the 24 MB it grew to.
        long committed = Long.MAX_VALUE;
        for (int i = 0; i < 50 && committed > 16 * 1024; i++) {
            Thread.sleep(200);
            committed = heapCommittedKb();
        }
        assertThat(committed).as("heap committed at rest, kB").isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void aRouterTooLargeForTheHeapIsRefusedAndNothingChanges() throws Exception {
        agent = router.start(new AgentProcess(router.create("sa-pub", "sa-g1", "sa-g2"), tmp));
        ok(agent.http().send("PUT", "/v1/config", JSON.writeValueAsString(AgentRulesBench.config(4000, 3000, 3000, 0))));
        // 200,000 rules: 15 MB of JSON (under the 16 MB body limit), far more than a 24 MB heap holds as a model.
        String huge = JSON.writeValueAsString(AgentRulesBench.config(80_000, 60_000, 60_000, 0));
        UnixHttp.Reply r = agent.http().send("PUT", "/v1/config", huge);
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("not enough memory", "nothing changed");

        JsonNode health = ok(agent.http().get("/v1/health"));
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("generation").asLong()).isEqualTo(1);
        assertThat(elements()).as("the previous table is still loaded").isEqualTo(16_072);
        String one = "[{\"publicIp\":\"203.0.113.200\",\"protocol\":\"tcp\",\"ports\":\"4000\"}]";
        assertThat(ok(agent.http().send("PATCH", "/v1/config/firewall", "{\"add\":" + one + "}")).path("generation").asLong())
                .as("and the agent takes the next change").isEqualTo(2);
    }

    /** Young plus old generation as the JVM reports them (jcmd GC.heap_info: "total NNNK"). */
    private long heapCommittedKb() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(agent.pid()), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        long kb = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation\\s+total (\\d+)K").matcher(out);
        while (m.find()) {
            kb += Long.parseLong(m.group(1));
        }
        assertThat(kb).as(out).isPositive();
        return kb;
    }

    private JsonNode ok(UnixHttp.Reply r) throws Exception {
        assertThat(r.status()).as(r.body().length() > 500 ? r.body().substring(0, 500) : r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long elements() throws Exception {
        long n = 0;
        for (JsonNode item : JSON.readTree(Sh.in(router.name(), "nft", "-j", "list", "table", "inet", "strata")).path("nftables")) {
            JsonNode s = item.has("set") ? item.get("set") : item.get("map");
            if (s != null) {
                n += s.path("elem").size();
            }
        }
        return n;
    }
}
