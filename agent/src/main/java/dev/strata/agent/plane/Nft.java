package dev.strata.agent.plane;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/** The nft program: load a script as one transaction, list the table and its counters. */
public final class Nft {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String program;

    public Nft(String program) {
        this.program = program;
    }

    /** Loads {@code script} with {@code nft -f -}: the kernel takes all of it or none. */
    public void load(String script) {
        load(out -> out.append(script));
    }

    /** Loads what {@code script} writes, streamed into {@code nft -f -}: one transaction, all of it or none. */
    public void load(Commands.Text script) {
        Commands.Result r = Commands.feed(List.of(program, "-f", "-"), script, TIMEOUT);
        if (!r.ok()) {
            throw new ApplyException("nftables refused the ruleset (previous ruleset still loaded): " + r.why());
        }
    }

    public String listTable() {
        Commands.Result r = Commands.run(List.of(program, "list", "table", Ruleset.FAMILY, Ruleset.TABLE), null, TIMEOUT);
        return r.ok() ? r.stdout() : "";
    }

    /** Current values of the strata table's named counters: name to {packets, bytes}; empty when there is no table. */
    public Map<String, long[]> counters() {
        Map<String, long[]> out = new HashMap<>();
        try {
            for (JsonNode n : dev.strata.agent.Json.shared().readTree(countersJson()).path("nftables")) {
                JsonNode c = n.path("counter");
                if (c.has("name")) {
                    out.put(c.path("name").asText(), new long[] {c.path("packets").asLong(), c.path("bytes").asLong()});
                }
            }
        } catch (IOException e) {
            // no readable counters: the new table starts them at zero
        }
        return out;
    }

    /** {@code nft -j list counters} of the strata table (JSON text), or empty JSON when there is no table. */
    public String countersJson() {
        Commands.Result r = Commands.run(List.of(program, "-j", "list", "counters", "table", Ruleset.FAMILY, Ruleset.TABLE),
                null, TIMEOUT);
        return r.ok() ? r.stdout() : "{\"nftables\":[]}";
    }
}
