package dev.strata.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.StaticRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal: durable generations, crash leftovers ignored, history pruned. */
class GenerationStoreTest {

    @TempDir
    Path dir;

    static Generation gen(long n) {
        RouterConfig c = new RouterConfig(null, null, null, null, null, null, null, null, null,
                List.of(new StaticRoute("192.0.2.0/24", "10.1.1." + n)));
        return new Generation(n, Instant.parse("2026-11-24T12:00:00Z"), "apply", c);
    }

    @Test
    void aNewRouterStartsAtGenerationZero() {
        assertThat(new GenerationStore(dir, 10).latest()).isEqualTo(Generation.INITIAL);
    }

    @Test
    void committedGenerationsSurviveReopeningAndReadBackEqual() {
        GenerationStore s = new GenerationStore(dir, 10);
        s.commit(gen(1));
        s.commit(gen(2));
        GenerationStore again = new GenerationStore(dir, 10);
        assertThat(again.latest()).isEqualTo(gen(2));
        assertThat(again.read(1)).contains(gen(1));
        assertThat(again.history()).extracting(GenerationStore.Entry::generation).containsExactly(1L, 2L);
    }

    @Test
    void aTemporaryFileLeftByACrashIsNeitherTheLatestNorKept() throws Exception {
        GenerationStore s = new GenerationStore(dir, 10);
        s.commit(gen(1));
        Files.writeString(dir.resolve("gen-000000000002.json.tmp"), "{\"generation\":2, \"conf");
        GenerationStore again = new GenerationStore(dir, 10);
        assertThat(again.latest().generation()).isEqualTo(1);
        assertThat(dir.resolve("gen-000000000002.json.tmp")).doesNotExist();
    }

    @Test
    void aDamagedNewestFileFallsBackToThePreviousGeneration() throws Exception {
        GenerationStore s = new GenerationStore(dir, 10);
        s.commit(gen(1));
        Files.writeString(dir.resolve("gen-000000000002.json"), "garbage");
        assertThat(new GenerationStore(dir, 10).latest().generation()).isEqualTo(1);
    }

    @Test
    void historyIsPrunedToTheNewestGenerations() {
        GenerationStore s = new GenerationStore(dir, 3);
        for (long i = 1; i <= 6; i++) {
            s.commit(gen(i));
        }
        assertThat(s.history()).extracting(GenerationStore.Entry::generation).containsExactly(4L, 5L, 6L);
    }
}
