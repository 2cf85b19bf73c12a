package dev.strata.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes the model as it is: every record, every field, every part. */
class OpenApiDocumentTest {

    @Test
    void everyModelFieldIsInTheDocument() throws Exception {
        JsonNode doc;
        try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
            doc = new ObjectMapper().readTree(in);
        }
        JsonNode schemas = doc.at("/components/schemas");
        List<Class<?>> types = new ArrayList<>(List.of(RouterConfig.class));
        for (ConfigPart p : ConfigPart.values()) {
            types.add(p.itemType());
        }
        types.add(dev.strata.agent.model.EgressRule.class);
        types.add(dev.strata.agent.model.AclRule.class);
        for (Class<?> t : types) {
            JsonNode props = schemas.path(t.getSimpleName()).path("properties");
            // As JSON names them (a component may carry @JsonProperty: "interface" is a Java keyword).
            List<String> fields = Arrays.stream(t.getRecordComponents()).map(c -> {
                com.fasterxml.jackson.annotation.JsonProperty j = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                return j != null ? j.value() : c.getName();
            }).toList();
            List<String> documented = new ArrayList<>();
            props.fieldNames().forEachRemaining(documented::add);
            assertThat(documented).as(t.getSimpleName()).containsExactlyInAnyOrderElementsOf(fields);
        }
        JsonNode partEnum = doc.at("/paths/~1v1~1config~1{part}/parameters/0/schema/enum");
        List<String> parts = new ArrayList<>();
        partEnum.forEach(n -> parts.add(n.asText()));
        assertThat(parts).containsExactlyInAnyOrderElementsOf(Arrays.stream(ConfigPart.values()).map(ConfigPart::jsonName).toList());
    }
}
