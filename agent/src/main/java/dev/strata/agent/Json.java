package dev.strata.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.strata.agent.model.Problem;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * The agent's JSON settings: strict on input (unknown fields, wrong types, trailing data and
 * null where a number belongs are errors that name the field), ISO instants on output.
 */
public final class Json {

    private Json() {
    }

    private static final ObjectMapper SHARED = compact();
    private static final ObjectWriter SHARED_PRETTY = SHARED.writerWithDefaultPrettyPrinter();

    /**
     * The agent's one mapper (thread-safe once configured): Jackson builds a (de)serializer per
     * type once per mapper, so one mapper for the API, the journal and the kernel's JSON output
     * pays that once, in memory and at the first request.
     */
    public static ObjectMapper shared() {
        return SHARED;
    }

    /** {@link #shared()}, indented for people (the API's answers); shares its serializers. */
    public static ObjectWriter sharedPretty() {
        return SHARED_PRETTY;
    }

    public static ObjectMapper compact() {
        JsonMapper m = JsonMapper.builder()
                // A key twice in one object is an error where it stands, not "the last one wins"
                // (the parser sees it, so it holds for records, maps and trees alike).
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // 1450.5 (or 1450.0) is not an integer: no truncation.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // No scalar becomes another kind: 80 is not the port string "80", 1 and "true" are not true.
                .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        m.registerModule(new SimpleModule()
                .addDeserializer(String.class, new SharedStrings())
                .addSerializer(Instant.class, ToStringSerializer.instance)
                .addDeserializer(Instant.class, new com.fasterxml.jackson.databind.deser.std.FromStringDeserializer<Instant>(Instant.class) {
                    @Override
                    protected Instant _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                        return Instant.parse(value);
                    }
                }));
        // "80" is not a number and 80 is not a string: no silent coercion between the two.
        m.configure(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        return m;
    }

    /**
     * String values kept once per distinct text within one document: 10,000 rules repeat a
     * handful of protocols, public addresses and ports tens of thousands of times, and on a heap
     * of a few tens of MB one copy each matters. A map per document (a Jackson per-call
     * attribute) rather than {@link String#intern()}, which costs a native call and a global
     * table lookup per value (measured: half of the parse time). Tokens that are not strings go
     * to Jackson's own deserializer, which refuses them as before.
     */
    static final class SharedStrings extends StdScalarDeserializer<String> {
        private static final Object KEY = new Object();

        SharedStrings() {
            super(String.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return StringDeserializer.instance.deserialize(p, ctxt);
            }
            Map<String, String> seen = (Map<String, String>) ctxt.getAttribute(KEY);
            if (seen == null) {
                seen = new HashMap<>();
                ctxt.setAttribute(KEY, seen);
            }
            String s = p.getText();
            String known = seen.putIfAbsent(s, s);
            return known == null ? s : known;
        }
    }

    public static ObjectMapper pretty() {
        return compact().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("Duplicate field '([^']*)'");

    private static String pathOf(com.fasterxml.jackson.core.JsonStreamContext ctx) {
        StringBuilder path = new StringBuilder();
        java.util.ArrayDeque<com.fasterxml.jackson.core.JsonStreamContext> chain = new java.util.ArrayDeque<>();
        for (var c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        for (var c : chain) {
            if (c.inArray()) {
                path.append('[').append(Math.max(0, c.getCurrentIndex())).append(']');
            } else if (c.getCurrentName() != null) {
                path.append('.').append(c.getCurrentName());
            }
        }
        return path.toString();
    }

    /** A Jackson error as a {@link Problem}: the JSON path of the field, and what is wrong. */
    public static Problem problem(JsonProcessingException e) {
        String path = "";
        if (e instanceof JsonMappingException jm) {
            path = jm.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining());
        } else if (e instanceof com.fasterxml.jackson.core.exc.StreamReadException sr && sr.getProcessor() != null) {
            // Errors of the parser itself (a duplicate key): where it stood names the field.
            path = pathOf(sr.getProcessor().getParsingContext());
        }
        // A duplicate key is reported by the parser with the path of the object that holds it.
        java.util.regex.Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (dup.lookingAt() && !path.endsWith("." + dup.group(1))) {
            path = path + "." + dup.group(1);
        }
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        String msg = e.getOriginalMessage();
        if (msg != null && msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        if (msg != null) {
            int nl = msg.indexOf('\n');
            msg = nl < 0 ? msg : msg.substring(0, nl);
        }
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
        return new Problem(path.isEmpty() ? "$" : path, null, msg + where);
    }
}
