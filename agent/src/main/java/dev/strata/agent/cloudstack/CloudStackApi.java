package dev.strata.agent.cloudstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.agent.api.ApiHandler.HttpRequest;
import dev.strata.agent.api.ApiHandler.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * CloudStack's router files, taken by the agent: {@code POST /v1/cloudstack/bag?name=<file>}
 * (the body is one databag file, what {@code update_config.py <file>} gets) and
 * {@code POST /v1/cloudstack/cfg?name=<VR-uuid.cfg>} (an aggregated router configuration,
 * what {@code vr_cfg.sh -c} gets). Each request is merged into a copy of the bags, translated
 * into the agent's {@code /v1} document and applied through the agent's own API
 * ({@code PUT /v1/config}) as <b>one</b> transaction; only then does the bag journal move.
 * Anything wrong changes nothing: the answer is a 400 whose text names the file, line and field.
 *
 * <p>Answers are plain text, one line per fact, for the fronts to print: the management server
 * shows the script's output to the operator.
 */
public final class CloudStackApi {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final Function<HttpRequest, Reply> v1;
    private final ObjectMapper mapper;
    private final BagJournal journal;
    private final Nics nics;
    private Bags bags;
    private ObjectNode lastDoc;
    private long lastGeneration = -1;
    private long started;

    public CloudStackApi(Function<HttpRequest, Reply> v1, ObjectMapper mapper, BagJournal journal, Nics nics) throws IOException {
        this.v1 = v1;
        this.mapper = mapper;
        this.journal = journal;
        this.nics = nics;
        this.bags = new Bags(journal.load(mapper), nics);
    }

    /**
     * {@code method}, the path after {@code /v1/cloudstack/}, the query's parameters. With a
     * {@code cache} folder the agent reads the file itself and files it under
     * {@code processed/} after success, as CloudStack's scripts do (the fronts then start no
     * process but the one that talks to this socket); without, the body is the file.
     */
    public synchronized Reply handle(String method, String what, Function<String, String> query, byte[] body) {
        started = System.nanoTime();
        try {
            String cache = query.apply("cache");
            return switch (method + " " + what) {
                case "POST bag" -> cache == null ? bag(fileName(query.apply("name")), body)
                        : bagFromCache(folder(cache), fileName(query.apply("name")), !"false".equals(query.apply("keep")));
                case "POST cfg" -> cache == null ? cfg(fileName(query.apply("name")), body)
                        : cfgFromCache(folder(cache), absolute(query.apply("path")));
                case "GET bags" -> new Reply(200, "application/json", mapper.writeValueAsBytes(bags.all()));
                case "GET netusage" -> netUsage(query.apply("ip"));
                default -> text(404, "no such resource: " + method + " /v1/cloudstack/" + what
                        + " (POST bag?name=F, POST cfg?name=F, GET bags)");
            };
        } catch (BagException e) {
            return text(400, e.getMessage() + "\nnothing was changed");
        } catch (IOException e) {
            return text(500, "cannot keep the CloudStack bags: " + e.getMessage() + "\nnothing was changed");
        }
    }

    /**
     * netusage.sh -g: {@code <sent>:<received>:} per public interface (or only the one holding
     * {@code ip}), in bytes, from the agent's usage counters: CloudStack sums even fields as sent
     * and odd ones as received. The counters only grow (a router restart starts them again, which
     * the management server detects as it does for CloudStack's own).
     */
    private Reply netUsage(String ip) throws IOException {
        Reply c = v1.apply(new HttpRequest("GET", "/v1/config/interfaces", null, new byte[0]));
        Reply n = v1.apply(new HttpRequest("GET", "/v1/counters", null, new byte[0]));
        if (c.status() != 200 || n.status() != 200) {
            return text(500, "agent: cannot read interfaces or counters");
        }
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (JsonNode e : mapper.readTree(n.body()).path("nftables")) {
            JsonNode k = e.path("counter");
            if (k.has("name")) {
                bytes.put(k.path("name").asText(), k.path("bytes").asLong());
            }
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode i : mapper.readTree(c.body()).path("items")) {
            if (!i.path("role").asText().equals("public")) {
                continue;
            }
            if (ip != null && !ip.isBlank() && !ip.equals("null")) {
                boolean has = false;
                for (JsonNode a : i.path("addresses")) {
                    has |= a.asText().startsWith(ip + "/");
                }
                if (!has) {
                    continue;
                }
            }
            String name = dev.strata.agent.plane.NftRenderer.usageCounter(i.path("name").asText());
            b.append(bytes.getOrDefault(name + "_out", 0L)).append(':').append(bytes.getOrDefault(name + "_in", 0L)).append(':');
        }
        return text(200, b.toString());
    }

    private static String fileName(String name) {
        if (name == null || !FILE_NAME.matcher(name).matches()) {
            throw new BagException("name: \"" + (name == null ? "" : VrCfg.shorten(name)) + "\" is not a file name");
        }
        return name;
    }

    private static java.nio.file.Path folder(String s) {
        java.nio.file.Path p = absolute(s);
        if (!java.nio.file.Files.isDirectory(p)) {
            throw new BagException("cache: " + s + " is not a folder");
        }
        return p;
    }

    private static java.nio.file.Path absolute(String s) {
        if (s == null || !s.startsWith("/") || !s.matches("[A-Za-z0-9_./-]{1,400}")
                || !java.nio.file.Path.of(s).normalize().toString().equals(s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s)) {
            throw new BagException("\"" + (s == null ? "" : VrCfg.shorten(s)) + "\" is not an absolute, normalised path");
        }
        return java.nio.file.Path.of(s);
    }

    /** update_config.py: the boot configuration first if it still waits, then the file; then filed under processed/. */
    private Reply bagFromCache(java.nio.file.Path cache, String name, boolean keep) throws IOException {
        StringBuilder out = new StringBuilder();
        java.nio.file.Path cmdline = cache.resolve("cmd_line.json");
        if (!name.equals("cmd_line.json") && java.nio.file.Files.isRegularFile(cmdline)
                && java.nio.file.Files.size(cmdline) > 0) {
            Reply r = bag("cmd_line.json", java.nio.file.Files.readAllBytes(cmdline));
            if (r.status() != 200) {
                return r;
            }
            processed(cache, "cmd_line.json", true);
            out.append(new String(r.body(), StandardCharsets.UTF_8));
        }
        java.nio.file.Path file = cache.resolve(name);
        if (!java.nio.file.Files.isRegularFile(file)) {
            if (java.nio.file.Files.isRegularFile(cache.resolve("processed").resolve(name + ".gz"))) {
                return text(200, out + name + ": already processed");
            }
            return text(400, out + "update_config.py: " + file + ": no such file\nnothing was changed");
        }
        Reply r = bag(name, java.nio.file.Files.readAllBytes(file));
        if (r.status() == 200) {
            processed(cache, name, keep);
        }
        return out.length() == 0 ? r : new Reply(r.status(), r.contentType(), (out + new String(r.body(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** vr_cfg.sh: the whole file, then moved to processed/ (kept for the record, as CloudStack). */
    private Reply cfgFromCache(java.nio.file.Path cache, java.nio.file.Path cfg) throws IOException {
        String name = fileName(cfg.getFileName() == null ? "" : cfg.getFileName().toString());
        if (!java.nio.file.Files.isRegularFile(cfg)) {
            return text(400, name + ": no such file: " + cfg + "\nnothing was changed");
        }
        StringBuilder out = new StringBuilder();
        java.nio.file.Path cmdline = cache.resolve("cmd_line.json");
        if (java.nio.file.Files.isRegularFile(cmdline) && java.nio.file.Files.size(cmdline) > 0) {
            Reply r = bag("cmd_line.json", java.nio.file.Files.readAllBytes(cmdline));
            if (r.status() != 200) {
                return r;
            }
            processed(cache, "cmd_line.json", true);
            out.append(new String(r.body(), StandardCharsets.UTF_8));
        }
        Reply r = cfg(name, java.nio.file.Files.readAllBytes(cfg));
        if (r.status() == 200) {
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(cache.resolve("processed"));
            java.nio.file.Files.move(cfg, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out.length() == 0 ? r : new Reply(r.status(), r.contentType(), (out + new String(r.body(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** processed/<name>.gz (or deleted when the host said "false"), then the original removed. */
    private static void processed(java.nio.file.Path cache, String name, boolean keep) throws IOException {
        java.nio.file.Path file = cache.resolve(name);
        if (keep) {
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(cache.resolve("processed"));
            java.nio.file.Path tmp = dir.resolve("." + name + ".gz.tmp");
            try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(tmp))) {
                java.nio.file.Files.copy(file, out);
            }
            java.nio.file.Files.move(tmp, dir.resolve(name + ".gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        java.nio.file.Files.deleteIfExists(file);
    }

    private Reply bag(String name, byte[] body) throws IOException {
        Bags next = bags.copy();
        String key = next.merge(name, parse(name, body));
        return apply(next, List.of(name + " -> " + key));
    }

    private Reply cfg(String name, byte[] body) throws IOException {
        List<VrCfg.Item> items = VrCfg.parse(name, new String(body, StandardCharsets.UTF_8));
        Map<String, VrCfg.FileItem> files = new TreeMap<>();
        Bags next = bags.copy();
        List<String> done = new ArrayList<>();
        for (VrCfg.Item item : items) {
            if (item instanceof VrCfg.FileItem f) {
                files.put(baseName(f.path()), f);
                continue;
            }
            VrCfg.ScriptItem s = (VrCfg.ScriptItem) item;
            String[] words = s.command().trim().split("\\s+");
            String script = baseName(words[0]);
            String where = name + ":" + s.line();
            switch (script) {
                case "update_config.py" -> {
                    if (words.length < 2) {
                        throw new BagException(where + ": update_config.py without a file");
                    }
                    VrCfg.FileItem f = files.get(words[1]);
                    if (f == null) {
                        throw new BagException(where + ": update_config.py " + words[1] + ": no <file> block of that name before it");
                    }
                    String fileWhere = name + ":" + f.line() + " (" + words[1] + ")";
                    String key = next.merge(fileWhere, parse(fileWhere, f.content().getBytes(StandardCharsets.UTF_8)));
                    done.add(words[1] + " -> " + key);
                }
                // monitor_service.json was merged by its update_config.py line; the service is a later issue
                case "configure.py" -> done.add("configure.py " + (words.length > 1 ? words[1] : "") + ": nothing to do");
                default -> throw new BagException(where + ": \"" + VrCfg.shorten(s.command())
                        + "\": script not implemented by Strata (only update_config.py and configure.py are used in a router start)");
            }
        }
        return apply(next, done);
    }

    private JsonNode parse(String where, byte[] body) {
        try {
            JsonNode n = mapper.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new BagException(where + ": empty file");
            }
            return n;
        } catch (IOException e) {
            String m = e.getMessage();
            throw new BagException(where + ": not JSON: " + (m == null ? e.toString() : m.lines().findFirst().orElse(m)));
        }
    }

    private static String baseName(String path) {
        int s = path.lastIndexOf('/');
        return s >= 0 ? path.substring(s + 1) : path;
    }

    /** Translates {@code next}, applies it through PUT /v1/config, then commits the journal. */
    private Reply apply(Bags next, List<String> done) throws IOException {
        long t0 = System.nanoTime();
        Translator.Result t = Translator.translate(next);
        long t1 = System.nanoTime();
        // The document this API applied last, while the agent is still at that generation (nobody
        // else changed it); otherwise the agent's current configuration, read back.
        JsonNode cur = lastDoc;
        if (cur == null || mapper.readTree(v1.apply(new HttpRequest("GET", "/v1/health", null, new byte[0])).body())
                .path("desiredGeneration").asLong(-1) != lastGeneration) {
            Reply current = v1.apply(new HttpRequest("GET", "/v1/config", null, new byte[0]));
            if (current.status() != 200) {
                return text(500, "agent: cannot read the current configuration: " + new String(current.body(), StandardCharsets.UTF_8));
            }
            cur = mapper.readTree(current.body()).path("config");
        }
        ObjectNode doc = cur instanceof ObjectNode o ? o.deepCopy() : mapper.createObjectNode();
        List<String> changed = new ArrayList<>();
        for (String p : Translator.PARTS) {
            JsonNode was = doc.path(p);
            JsonNode now = t.config().get(p);
            if (!(was.isMissingNode() ? now.isEmpty() : was.equals(now))) {
                changed.add(p);
            }
            doc.set(p, now);
        }
        long t2 = System.nanoTime();
        BagJournal.Pending pending = journal.prepare(mapper, next.all(), bags.all());
        long t3 = System.nanoTime();
        // One part changed (one more rule): that part alone, which the agent validates and renders
        // on its own; more: the whole document. Either way one transaction.
        Reply r = changed.size() == 1
                ? v1.apply(new HttpRequest("PUT", "/v1/config/" + changed.get(0), null, mapper.writeValueAsBytes(doc.get(changed.get(0)))))
                : v1.apply(new HttpRequest("PUT", "/v1/config", null, mapper.writeValueAsBytes(doc)));
        long t4 = System.nanoTime();
        if (r.status() != 200) {
            pending.discard();
            return text(r.status(), explain(r, t) + "\nnothing was changed");
        }
        pending.commit();
        long t5 = System.nanoTime();
        bags = next;
        JsonNode answer = mapper.readTree(r.body());
        lastDoc = doc;
        lastGeneration = answer.path("generation").asLong(-1);
        StringBuilder b = new StringBuilder();
        for (String d : done) {
            b.append(d).append('\n');
        }
        b.append("applied: generation ").append(answer.path("generation").asLong()).append(answer.path("changed").asBoolean() ? "" : " (no change)")
                .append('\n');
        t.notApplied().forEach((k, why) -> b.append("stored, ").append(why).append(": ").append(k).append('\n'));
        b.append(String.format("timings ms: merge %d, translate %d, read config %d, journal %d, agent %d, commit %d%n", (t0 - started) / 1_000_000, (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000, (t5 - t4) / 1_000_000));
        return new Reply(200, "text/plain; charset=utf-8", b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The agent's refusal, each problem named by the CloudStack place it came from. */
    private String explain(Reply r, Translator.Result t) throws IOException {
        JsonNode body = mapper.readTree(r.body());
        StringBuilder b = new StringBuilder("agent refused the configuration: ").append(body.path("error").asText());
        for (JsonNode p : body.path("problems")) {
            String path = p.path("path").asText();
            String origin = t.originOf(path);
            b.append('\n').append(origin == null ? "" : origin + ": ").append(path);
            if (p.hasNonNull("value")) {
                b.append(" = ").append(p.path("value").asText());
            }
            b.append(": ").append(p.path("message").asText());
        }
        return b.toString();
    }

    private static Reply text(int status, String s) {
        return new Reply(status, "text/plain; charset=utf-8", (s + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
