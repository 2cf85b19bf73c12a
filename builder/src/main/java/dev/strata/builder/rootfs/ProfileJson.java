package dev.strata.builder.rootfs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A resolved {@link Profile} as JSON, to hand it to the part of the build that runs in another
 * process (inside mmdebstrap's user namespace). Paths travel as plain strings, hypervisor keys
 * by their ids.
 */
public final class ProfileJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule()
            .addSerializer(Path.class, new JsonSerializer<>() {
                @Override
                public void serialize(Path value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeString(value.toString());
                }
            })
            .addDeserializer(Path.class, new JsonDeserializer<>() {
                @Override
                public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    return Path.of(p.getValueAsString());
                }
            })
            .addKeySerializer(Hypervisor.class, new JsonSerializer<>() {
                @Override
                public void serialize(Hypervisor value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeFieldName(value.id());
                }
            })
            .addKeyDeserializer(Hypervisor.class, new KeyDeserializer() {
                @Override
                public Object deserializeKey(String key, DeserializationContext ctxt) {
                    return Hypervisor.fromId(key);
                }
            }));

    private ProfileJson() {
    }

    public static String write(Profile profile) {
        try {
            return MAPPER.writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Profile read(String json) {
        try {
            return MAPPER.readValue(json, Profile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a Strata profile in JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The same mapper, for hand-over records that hold hypervisor-keyed maps. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
