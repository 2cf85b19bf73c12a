package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.agent.model.Problem;
import dev.strata.agent.model.RouterConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17, item 5: the shared mapper refuses wrong JSON types instead of converting them (a
 * number where a port string belongs, 1450.5 for an integer, "true" for a boolean), and
 * duplicate keys instead of letting the last win; each error names the JSON path.
 */
class JsonStrictnessTest {

    private static final String PF = "{\"portForwards\":[{\"publicIp\":\"203.0.113.5\",\"protocol\":\"tcp\","
            + "\"publicPorts\":%s,\"privateIp\":\"10.1.1.5\",\"privatePorts\":\"80\"%s}]}";
    private static final String IF = "{\"interfaces\":[{\"name\":\"eth2\",\"role\":\"public\",\"mtu\":%s,"
            + "\"addresses\":[\"203.0.113.5/24\"]%s}]}";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "port as a number         | PF | 80                | ''                          | portForwards[0].publicPorts",
        "port as a boolean        | PF | true              | ''                          | portForwards[0].publicPorts",
        "port as an object        | PF | {}                | ''                          | portForwards[0].publicPorts",
        "boolean as a string      | PF | '\"80\"'          | ',\"openFirewall\":\"true\"' | portForwards[0].openFirewall",
        "boolean as a number      | PF | '\"80\"'          | ',\"openFirewall\":1'       | portForwards[0].openFirewall",
        "duplicate key            | PF | '\"80\"'          | ',\"publicPorts\":\"81\"'   | portForwards[0].publicPorts",
        "fractional integer       | IF | 1450.5            | ''                          | interfaces[0].mtu",
        "integral float           | IF | 1450.0            | ''                          | interfaces[0].mtu",
        "integer as a string      | IF | '\"1450\"'        | ''                          | interfaces[0].mtu",
        "integer as a boolean     | IF | false             | ''                          | interfaces[0].mtu",
        "string list as a string  | PF | '\"80\"'          | ',\"sourceCidrs\":\"a\"'    | portForwards[0].sourceCidrs",
        "duplicate key in a list  | IF | 1450              | ',\"mtu\":9000'             | interfaces[0].mtu",
    })
    void wrongTypesAndDuplicateKeysAreRefusedWithTheirPath(String what, String template, String value, String extra,
                                                            String path) {
        String json = String.format(template.equals("PF") ? PF : IF, value, extra);
        try {
            RouterConfig c = Json.shared().readValue(json.getBytes(StandardCharsets.UTF_8), RouterConfig.class);
            fail(what + " was accepted: " + json + " -> " + c);
        } catch (JsonProcessingException e) {
            Problem p = Json.problem(e);
            assertThat(p.path()).as(what + ": " + p.message()).isEqualTo(path);
        } catch (java.io.IOException e) {
            fail(e.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"generation\":1,\"generation\":2}|generation",
        "{\"keep\":{\"a\":1,\"a\":2}}|keep.a"})
    void treesRefuseDuplicateKeysToo(String json, String path) {
        try {
            JsonNode n = Json.shared().readTree(json);
            fail("accepted: " + n);
        } catch (JsonProcessingException e) {
            assertThat(Json.problem(e).path()).isEqualTo(path);
            assertThat(Json.problem(e).message()).containsIgnoringCase("duplicate");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"interfaces\":[{\"name\":\"eth2\",\"role\":\"public\",\"mtu\":1450}]}"})
    void rightTypesStillRead(String json) throws Exception {
        assertThat(Json.shared().readValue(json, RouterConfig.class).interfaces().get(0).mtu()).isEqualTo(1450);
    }
}
