package dev.strata.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.strata.agent.Json;
import dev.strata.agent.RouterService;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.InvalidConfigException;
import dev.strata.agent.model.Problem;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.store.Generation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The {@code /v1} HTTP/JSON API. Requests reach this handler only through a connector that has
 * already authenticated the caller (root-only Unix socket, or TLS with a trusted client
 * certificate). Bad input is a 400 naming each field path and value; a kernel refusal a 500 that
 * says why, with the generation unchanged.
 */
public final class ApiHandler {

    /** Largest request body: 10,000 rules are about 1.5 MB of JSON. */
    static final long MAX_BODY = 16L * 1024 * 1024;

    private final RouterService service;
    private final String version;
    private final ObjectMapper mapper = Json.shared();
    private final ObjectWriter pretty = Json.sharedPretty();
    private final byte[] openApi;
    private final LayerApi layers;
    private final dev.strata.agent.HeapReturn heapReturn = new dev.strata.agent.HeapReturn();
    /** CloudStack's router files (/v1/cloudstack/...), or null when not wired (tests of the core API). */
    private volatile dev.strata.agent.cloudstack.CloudStackApi cloudStack;

    public ApiHandler(RouterService service, String version, LayerApi layers) {
        this.service = service;
        this.version = version;
        this.layers = layers;
        try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
            this.openApi = in == null ? "{}".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json missing from the agent jar", e);
        }
    }

    /** An HTTP request as the transports hand it over: method, path, raw query, body. */
    public record HttpRequest(String method, String path, String query, byte[] body) {
    }

    /** The answer: status, content type, body. */
    public record Reply(int status, String contentType, byte[] body) {
    }

    /** Serves CloudStack's router files under /v1/cloudstack/ (issue 13): they go through this handler's PUT /v1/config. */
    public void cloudStack(dev.strata.agent.cloudstack.CloudStackApi api) {
        this.cloudStack = api;
    }

    /** Warms the request path up on a background thread (see {@link dev.strata.agent.Warmup}). */
    public void warmUpInBackground() {
        dev.strata.agent.Warmup.inBackground(mapper, pretty);
    }

    /** Answers one request; never throws. */
    public Reply handle(HttpRequest request) {
        try {
            return answer(request);
        } finally {
            heapReturn.afterRequest();
        }
    }

    private Reply answer(HttpRequest request) {
        String path = request.path() == null ? "/" : request.path();
        try {
            return route(request.method(), path, request);
        } catch (InvalidConfigException e) {
            return json(400, error("invalid request", e.problems()));
        } catch (BadRequest e) {
            return json(e.status, error(e.getMessage(), e.problems));
        } catch (NoSuchElementException e) {
            return json(404, error(e.getMessage(), List.of()));
        } catch (ApplyException e) {
            Map<String, Object> body = error(e.getMessage(), List.of());
            body.put("generation", service.desired().generation());
            return json(500, body);
        } catch (RuntimeException e) {
            return json(500, error("internal error: " + e, List.of()));
        } catch (OutOfMemoryError e) {
            // The request needed more heap than the agent has (-Xmx): refused before anything changed,
            // or, if it struck while the kernel was programmed, the service put the last generation back.
            return outOfMemory();
        }
    }

    /** 503 for a request that needs more heap than the agent has; small enough to send when the heap is short. */
    static Reply outOfMemory() {
        return new Reply(503, "application/json", ("{\"error\":\"not enough memory for this request (agent heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB): nothing changed; send it in smaller parts"
                + " or give the agent more heap\"}").getBytes(StandardCharsets.UTF_8));
    }

    private Reply route(String method, String path, HttpRequest request) {
        String[] seg = path.replaceAll("/+$", "").split("/");
        // seg[0] is "" (leading slash), seg[1] the version
        if (seg.length < 3 || !"v1".equals(seg[1])) {
            throw new BadRequest(404, "no such resource: " + path + " (the API lives under /v1, see /v1/openapi.json)");
        }
        boolean dryRun = "true".equals(query(request, "dryRun"));
        // A dry run shows which items change; a change says how many, unless asked (?diff=full).
        String diff = query(request, "diff");
        if (diff != null && !diff.equals("full") && !diff.equals("counts")) {
            throw new BadRequest(400, "invalid request", List.of(new Problem("diff", diff, "expected full or counts")));
        }
        boolean fullDiff = diff == null ? dryRun : diff.equals("full");
        String res = seg[2];
        return switch (method + " " + res + (seg.length > 3 ? "/*" : "")) {
            case "GET health" -> json(200, health());
            case "GET openapi.json" -> new Reply(200, "application/json", openApi);
            case "GET state" -> json(200, state());
            case "GET config" -> json(200, Map.of("generation", service.desired().generation(),
                    "config", service.desired().config()));
            case "PUT config", "POST config" -> {
                RouterConfig c = read(request, mapper.constructType(RouterConfig.class), "");
                yield json(200, outcome(service.apply("apply", c, dryRun), fullDiff));
            }
            case "GET config/*" -> {
                ConfigPart p = part(seg[3]);
                yield json(200, Map.of("generation", service.desired().generation(), "part", p.jsonName(),
                        "items", p.get(service.desired().config())));
            }
            case "PUT config/*" -> {
                ConfigPart p = part(seg[3]);
                List<?> items = read(request, listOf(p), p.jsonName());
                yield json(200, outcome(service.replacePart(p, items, dryRun), fullDiff));
            }
            case "PATCH config/*" -> {
                ConfigPart p = part(seg[3]);
                JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                for (var it = body.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("add") && !f.equals("remove")) {
                        throw new BadRequest(400, "invalid request", List.of(new Problem(f, null, "unknown field; a patch has add and remove")));
                    }
                }
                List<?> add = convert(body.path("add"), listOf(p), "add");
                List<?> remove = convert(body.path("remove"), listOf(p), "remove");
                yield json(200, outcome(service.patchPart(p, add, remove, dryRun), fullDiff));
            }
            case "GET passwords" -> json(200, passwords().list());
            case "PUT passwords/*" -> {
                JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                String ip = passwordIp(seg[3], "ip");
                yield json(200, savePasswords(Map.of(ip, passwordValue(body.path("password"), "password"))));
            }
            case "POST passwords" -> {
                JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                JsonNode list = body.path("passwords");
                if (!list.isArray()) {
                    throw new BadRequest(400, "invalid request", List.of(new Problem("passwords", null,
                            "expected {\"passwords\":[{\"ip\":…,\"password\":…}]}")));
                }
                Map<String, dev.strata.agent.service.Secret> all = new LinkedHashMap<>();
                List<Problem> problems = new java.util.ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    try {
                        all.put(passwordIp(list.get(i).path("ip").asText(null), "passwords[" + i + "].ip"),
                                passwordValue(list.get(i).path("password"), "passwords[" + i + "].password"));
                    } catch (BadRequest e) {
                        problems.addAll(e.problems);
                    }
                }
                if (!problems.isEmpty()) {
                    throw new BadRequest(400, "invalid request", problems);
                }
                yield json(200, savePasswords(all));
            }
            case "DELETE passwords/*" -> {
                String ip = passwordIp(seg[3], "ip");
                if (!passwords().remove(ip)) {
                    throw new NoSuchElementException("no password saved for " + ip);
                }
                yield json(200, Map.of("deleted", ip));
            }
            case "GET services" -> json(200, service.serviceHealth());
            case "GET history" -> json(200, service.history());
            case "GET history/*" -> json(200, service.generation(number(seg[3], "generation"))
                    .orElseThrow(() -> new NoSuchElementException("no generation " + seg[3] + " in the history")));
            case "POST rollback" -> {
                JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                JsonNode g = body.path("generation");
                if (!g.canConvertToLong() || !g.isIntegralNumber() || g.asLong() < 0) {
                    throw new BadRequest(400, "invalid request", List.of(new Problem("generation", g.toString(),
                            "expected a generation number from the history")));
                }
                yield json(200, outcome(service.rollback(g.asLong(), dryRun), fullDiff));
            }
            case "GET counters" -> new Reply(200, "application/json",
                    service.counters().getBytes(StandardCharsets.UTF_8));
            case "GET ruleset" -> new Reply(200, "text/plain; charset=utf-8",
                    service.ruleset().getBytes(StandardCharsets.UTF_8));
            case "POST cloudstack/*", "GET cloudstack/*" -> {
                if (cloudStack == null || seg.length != 4) {
                    throw new BadRequest(404, "no such resource: " + path);
                }
                yield cloudStack.handle(method, seg[3], name -> query(request, name), request.body());
            }
            case "GET layers" -> json(200, layers.list());
            case "POST layers" -> {
                JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                yield json(201, layers.install(body.path("file").isTextual() ? body.path("file").asText() : null));
            }
            case "GET layers/*" -> json(200, layers.inspect(seg[3]));
            case "POST layers/*" -> {
                if (seg.length == 4 && seg[3].equals("rollback")) {
                    yield json(202, layers.rollback());
                }
                if (seg.length == 4 && seg[3].equals("gc")) {
                    JsonNode body = read(request, mapper.constructType(JsonNode.class), "");
                    JsonNode keep = body.path("keep");
                    if (!keep.isIntegralNumber() || keep.asInt() < 1 || keep.asInt() > 100) {
                        throw new BadRequest(400, "invalid request", List.of(new Problem("keep", keep.toString(),
                                "expected how many layers to keep, 1-100")));
                    }
                    yield json(200, layers.gc(keep.asInt()));
                }
                if (seg.length != 5 || !seg[4].equals("activate")) {
                    throw new BadRequest(404, "no such resource: " + path
                            + " (POST /v1/layers/{version}/activate, /v1/layers/rollback, /v1/layers/gc)");
                }
                yield json(202, layers.activate(seg[3]));
            }
            default -> throw new BadRequest(404, "no such resource or method: " + method + " " + path
                    + " (see /v1/openapi.json)");
        };
    }

    private dev.strata.agent.services.password.PasswordStore passwords() {
        for (var s : service.services()) {
            if (s instanceof dev.strata.agent.services.password.PasswordService p) {
                return p.store();
            }
        }
        throw new NoSuchElementException("this agent runs no password service");
    }

    private Map<String, Object> savePasswords(Map<String, dev.strata.agent.service.Secret> all) {
        passwords().saveAll(all);
        return Map.of("saved", all.size());
    }

    /** A guest's address, checked and in its one spelling (the server compares the source address's text). */
    private static String passwordIp(String value, String path) {
        java.util.Optional<java.net.InetAddress> a = value == null ? java.util.Optional.empty() : dev.strata.agent.model.Net.ip(value);
        if (a.isEmpty() || !(a.get() instanceof java.net.Inet4Address)) {
            throw new BadRequest(400, "invalid request", List.of(new Problem(path, value, "not an IPv4 address")));
        }
        return a.get().getHostAddress();
    }

    private static dev.strata.agent.service.Secret passwordValue(JsonNode n, String path) {
        if (!n.isTextual() || n.asText().isEmpty() || n.asText().length() > 512 || n.asText().chars().anyMatch(ch -> ch < 0x20)) {
            // The value is never echoed, not even in the error.
            throw new BadRequest(400, "invalid request", List.of(new Problem(path, null,
                    "expected a password: 1-512 characters, no control characters")));
        }
        return new dev.strata.agent.service.Secret(n.asText());
    }

    private Map<String, Object> health() {
        RouterService.Applied a = service.applied();
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, dev.strata.agent.service.Health> services = service.serviceHealth();
        boolean ok = a.error() == null && a.generation() == service.desired().generation()
                && services.values().stream().allMatch(dev.strata.agent.service.Health::isOk);
        m.put("status", ok ? "ok" : "degraded");
        m.put("version", version);
        m.put("generation", a.generation());
        m.put("desiredGeneration", service.desired().generation());
        if (a.error() != null) {
            m.put("error", a.error());
        }
        if (!services.isEmpty()) {
            m.put("services", services);
        }
        return m;
    }

    private Map<String, Object> state() {
        Generation d = service.desired();
        RouterService.Applied a = service.applied();
        Map<String, Object> desired = new LinkedHashMap<>();
        desired.put("generation", d.generation());
        desired.put("createdAt", d.createdAt().toString());
        desired.put("operation", d.operation());
        desired.put("config", d.config());
        Map<String, Object> applied = new LinkedHashMap<>();
        applied.put("generation", a.generation());
        applied.put("inSync", a.error() == null && a.generation() == d.generation());
        if (a.error() != null) {
            applied.put("error", a.error());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desired", desired);
        m.put("applied", applied);
        return m;
    }

    private static RouterService.Outcome outcome(RouterService.Outcome o, boolean fullDiff) {
        return fullDiff ? o : o.countsOnly();
    }

    private <T> T read(HttpRequest request, JavaType type, String prefix) {
        byte[] body = request.body();
        if (body.length > MAX_BODY) {
            throw new BadRequest(413, "request body larger than " + MAX_BODY + " bytes");
        }
        if (isBlank(body)) {
            throw new BadRequest(400, "invalid request", List.of(new Problem(prefix.isEmpty() ? "$" : prefix, null,
                    "the request needs a JSON body")));
        }
        try {
            // Parsed from the bytes as they came: no String copy of a request that can be megabytes.
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new BadRequest(400, "invalid request", List.of(new Problem("$", "null", "expected a JSON document")));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "invalid request", List.of(prefixed(Json.problem(e), prefix)));
        } catch (IOException e) {
            throw new BadRequest(400, "invalid request", List.of(new Problem(prefix.isEmpty() ? "$" : prefix, null, e.getMessage())));
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private List<?> convert(JsonNode node, JavaType type, String prefix) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        try {
            return mapper.readerFor(type).readValue(node);
        } catch (IOException e) {
            Problem p = e instanceof JsonProcessingException j ? Json.problem(j) : new Problem("$", null, e.getMessage());
            throw new BadRequest(400, "invalid request", List.of(prefixed(p, prefix)));
        }
    }

    private static Problem prefixed(Problem p, String prefix) {
        if (prefix.isEmpty()) {
            return p;
        }
        String path = p.path().equals("$") ? prefix : p.path().startsWith("[") ? prefix + p.path() : prefix + "." + p.path();
        return new Problem(path, p.value(), p.message());
    }

    private JavaType listOf(ConfigPart p) {
        return mapper.getTypeFactory().constructCollectionType(List.class, p.itemType());
    }

    private static ConfigPart part(String name) {
        return ConfigPart.byJsonName(name).orElseThrow(() -> new NoSuchElementException("no configuration part '" + name
                + "'; parts: " + ConfigPart.names()));
    }

    private static long number(String s, String what) {
        if (!s.matches("\\d{1,18}")) {
            throw new BadRequest(400, "invalid request", List.of(new Problem(what, s, "expected a number")));
        }
        return Long.parseLong(s);
    }

    private static String query(HttpRequest request, String name) {
        if (request.query() == null) {
            return null;
        }
        for (String pair : request.query().split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static Map<String, Object> error(String message, List<Problem> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        if (!problems.isEmpty()) {
            m.put("problems", problems);
        }
        return m;
    }

    private Reply json(int status, Object body) {
        try {
            return new Reply(status, "application/json", pretty.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return new Reply(500, "application/json", "{\"error\":\"cannot write the response\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A request the API refuses with a given status. */
    static final class BadRequest extends RuntimeException {
        final int status;
        final transient List<Problem> problems;

        BadRequest(int status, String message) {
            this(status, message, List.of());
        }

        BadRequest(int status, String message, List<Problem> problems) {
            super(message);
            this.status = status;
            this.problems = problems;
        }
    }
}
