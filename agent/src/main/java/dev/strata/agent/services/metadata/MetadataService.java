package dev.strata.agent.services.metadata;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.Net;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.VmData;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.service.Checks;
import dev.strata.agent.service.Health;
import dev.strata.agent.service.Opening;
import dev.strata.agent.service.Phase;
import dev.strata.agent.service.Plan;
import dev.strata.agent.service.Service;
import dev.strata.agent.services.guest.GuestServers;
import dev.strata.agent.services.guest.GuestView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The metadata and user-data service CloudStack guests and cloud-init's CloudStack datasource
 * read: the router's guest address, port 80, {@code /latest/user-data}, {@code /latest/meta-data}
 * (index), {@code /latest/meta-data/<key>} and the legacy {@code /latest/<key>}. Keyed on the
 * source address (tied to interface and MAC by the firewall's guest_guard). Anything else,
 * including any request from an address with no entry, is the same 404, from one lookup.
 */
public final class MetadataService implements Service {

    public static final int PORT = 80;
    public static final int MAX_USER_DATA = 1024 * 1024;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_VALUE = 64 * 1024;
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.US_ASCII);

    /** What the handler reads: swapped whole by apply, never changed in place. */
    private record Table(Set<String> endpoints, Map<String, VmData> byIp) {
    }

    private volatile Table table = new Table(Set.of(), Map.of());
    private final GuestServers servers = new GuestServers("metadata", this::serve);

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public Phase phase() {
        return Phase.DAEMONS;
    }

    @Override
    public List<ConfigPart> parts() {
        return List.of(ConfigPart.INTERFACES, ConfigPart.GUEST_NETWORKS, ConfigPart.VM_DATA);
    }

    @Override
    public void check(RouterConfig c, Checks ch) {
        GuestView view = GuestView.of(c);
        Map<InetAddress, String> seen = new HashMap<>();
        for (int i = 0; i < c.vmData().size(); i++) {
            String p = "vmData[" + i + "]";
            VmData v = c.vmData().get(i);
            if (v == null) {
                ch.add(p, null, "missing");
                continue;
            }
            ch.ipv4(p + ".ip", v.ip(), true).ifPresent(a -> {
                if (view.networkOf(a).filter(n -> n.network().offers("metadata")).isEmpty()) {
                    ch.add(p + ".ip", v.ip(), "is in no guest network that offers metadata");
                }
                ch.unique(seen, a, p + ".ip", "VM address");
            });
            if (v.userData() != null) {
                // Base64 of 1 MiB is at most 1,398,104 characters: the length is checked before decoding.
                if (v.userData().length() > (MAX_USER_DATA + 2) / 3 * 4 + 8) {
                    ch.add(p + ".userData", v.userData().length() + " characters", "user-data is at most 1 MiB");
                } else {
                    try {
                        if (Base64.getMimeDecoder().decode(v.userData()).length > MAX_USER_DATA) {
                            ch.add(p + ".userData", null, "user-data is at most 1 MiB");
                        }
                    } catch (IllegalArgumentException e) {
                        ch.add(p + ".userData", null, "not base64: " + e.getMessage());
                    }
                }
            }
            for (Map.Entry<String, String> e : v.metaData().entrySet()) {
                String kp = p + ".metaData." + e.getKey();
                if (!KEY.matcher(e.getKey()).matches() || e.getKey().equals("user-data") || e.getKey().equals("meta-data")) {
                    ch.add(kp, e.getKey(), "a meta-data key is 1-63 of a-z, 0-9 and '-' (not user-data or meta-data): it is a URL path segment");
                } else if (e.getValue() == null) {
                    ch.add(kp, null, "missing");
                } else if (e.getValue().length() > MAX_VALUE) {
                    ch.add(kp, e.getValue().length() + " characters", "a meta-data value is at most 64 KiB");
                }
            }
        }
    }

    @Override
    public Plan plan(RouterConfig next) {
        Set<String> endpoints = new TreeSet<>();
        GuestView.of(next).offering("metadata").forEach(n -> endpoints.add(n.routerAddress().getHostAddress() + ":" + PORT));
        Map<String, VmData> byIp = new HashMap<>();
        for (VmData v : next.vmData()) {
            byIp.put(Net.text(Net.ip(v.ip()).orElseThrow()), v);
        }
        List<String> actions = new ArrayList<>();
        endpoints.forEach(e -> actions.add("listen " + e));
        actions.add("serve " + byIp.size() + " VMs");
        return new Plan(null, actions, new Table(Set.copyOf(endpoints), Map.copyOf(byIp)));
    }

    @Override
    public List<Opening> openings(RouterConfig c) {
        return GuestView.of(c).offering("metadata").stream().map(n -> new Opening(n.interfaceName(), "tcp", PORT)).toList();
    }

    @Override
    public void apply(Plan next, Plan previous) {
        Table t = (Table) next.table();
        try {
            servers.bind(t.endpoints());
        } catch (RuntimeException e) {
            revert(previous);
            throw new ApplyException("service metadata: " + e.getMessage());
        }
        table = t;
    }

    @Override
    public void revert(Plan previous) {
        Table t = previous == null ? new Table(Set.of(), Map.of()) : (Table) previous.table();
        table = t;
        servers.bind(t.endpoints());
    }

    @Override
    public Health health() {
        return Health.ok("listening on " + new TreeSet<>(servers.endpoints()) + ", " + table.byIp().size() + " VMs");
    }

    @Override
    public void close() {
        servers.close();
    }

    private void serve(HttpExchange x) throws IOException {
        String ip = x.getRemoteAddress().getAddress().getHostAddress();
        String path = x.getRequestURI().getRawPath();
        VmData vm = table.byIp().get(ip);
        byte[] body = vm == null || !"GET".equals(x.getRequestMethod()) ? null : answer(vm, path);
        if (body == null) {
            System.err.println("metadata: 404 for " + ip + " " + x.getRequestMethod() + " " + printable(path));
        }
        x.getResponseHeaders().set("Content-Type", "text/plain");
        byte[] b = body == null ? NOT_FOUND : body;
        x.sendResponseHeaders(body == null ? 404 : 200, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    /** The answer for one VM, or null (404). */
    static byte[] answer(VmData vm, String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/latest/user-data")) {
            return vm.userData() == null ? null : Base64.getMimeDecoder().decode(vm.userData());
        }
        if (p.equals("/latest/meta-data")) {
            StringBuilder b = new StringBuilder();
            vm.metaData().keySet().forEach(k -> b.append(k).append('\n'));
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
        String key = p.startsWith("/latest/meta-data/") ? p.substring("/latest/meta-data/".length())
                : p.startsWith("/latest/") ? p.substring("/latest/".length()) : null;
        String v = key == null ? null : vm.metaData().get(key);
        return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
