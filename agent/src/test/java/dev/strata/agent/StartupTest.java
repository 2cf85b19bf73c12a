package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.store.Generation;
import dev.strata.agent.store.GenerationStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the layer's health check sees at start-up: a stored generation that cannot be applied
 * on this machine makes the agent "degraded" (and the probe exit 1) instead of "ok", and a
 * valid configuration brings it back.
 */
class StartupTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @RegisterExtension
    final RouterNamespace router = new RouterNamespace();

    @Test
    void aStoredGenerationThatCannotBeAppliedIsReportedNotHidden() throws Exception {
        router.create("sa-pub");
        RouterConfig gone = new RouterConfig(List.of(new Interface("sa-gone", "guest", null, List.of("10.9.9.1/24"))), null,
                null, null, null, null, null, null, null, null);
        new GenerationStore(tmp.resolve("state"), 10).commit(new Generation(4, Instant.now(), "apply", gone));

        AgentProcess agent = router.start(new AgentProcess(router.name(), tmp));
        JsonNode h = JSON.readTree(agent.http().get("/v1/health").body());
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(h.path("desiredGeneration").asLong()).isEqualTo(4);
        assertThat(h.path("error").asText()).contains("generation 4 could not be re-applied", "sa-gone");
        assertThat(HealthProbe.probe("--socket", agent.socket.toString())).isEqualTo(1);

        String fixed = "{\"interfaces\":[{\"name\":\"sa-pub\",\"role\":\"public\",\"addresses\":[\"203.0.113.2/24\"]}]}";
        assertThat(agent.http().send("PUT", "/v1/config", fixed).status()).isEqualTo(200);
        h = JSON.readTree(agent.http().get("/v1/health").body());
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("generation").asLong()).isEqualTo(5);
        assertThat(HealthProbe.probe("--socket", agent.socket.toString())).isZero();
    }
}
