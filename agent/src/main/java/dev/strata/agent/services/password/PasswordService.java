package dev.strata.agent.services.password;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.service.Checks;
import dev.strata.agent.service.Health;
import dev.strata.agent.service.Opening;
import dev.strata.agent.service.Phase;
import dev.strata.agent.service.Plan;
import dev.strata.agent.service.Secret;
import dev.strata.agent.service.Service;
import dev.strata.agent.services.guest.GuestServers;
import dev.strata.agent.services.guest.GuestView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * CloudStack's password server (systemvm passwd_server_ip.py's protocol): on the router's guest
 * address, port 8080. A {@code GET} with {@code DomU_Request: send_my_password} answers the
 * password saved for the request's source address, or {@code saved_password} when there is none;
 * {@code DomU_Request: saved_password} deletes it and answers {@code saved_password}; anything
 * else {@code bad_request}. A guest is its source address, which the firewall's anti-spoofing
 * (guest_guard) ties to its interface and MAC. A guest asking without a password gets the very
 * answer of one whose password was already taken: nothing tells whether another entry exists.
 */
public final class PasswordService implements Service {

    public static final int PORT = 8080;

    private final PasswordStore store;
    private final GuestServers servers = new GuestServers("password", this::serve);

    public PasswordService(PasswordStore store) {
        this.store = store;
    }

    public PasswordStore store() {
        return store;
    }

    @Override
    public String name() {
        return "password";
    }

    @Override
    public Phase phase() {
        return Phase.DAEMONS;
    }

    @Override
    public List<ConfigPart> parts() {
        return List.of(ConfigPart.INTERFACES, ConfigPart.GUEST_NETWORKS);
    }

    @Override
    public void check(RouterConfig config, Checks checks) {
        // guestNetworks are checked by the dhcp service (one owner per part's checks); nothing of its own.
    }

    @Override
    public Plan plan(RouterConfig next) {
        List<String> listen = new ArrayList<>();
        endpoints(next).forEach(e -> listen.add("listen " + e));
        return new Plan(null, listen, endpoints(next));
    }

    static Set<String> endpoints(RouterConfig c) {
        Set<String> out = new TreeSet<>();
        GuestView.of(c).offering("password").forEach(n -> out.add(n.routerAddress().getHostAddress() + ":" + PORT));
        return out;
    }

    @Override
    public List<Opening> openings(RouterConfig c) {
        return GuestView.of(c).offering("password").stream().map(n -> new Opening(n.interfaceName(), "tcp", PORT)).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void apply(Plan next, Plan previous) {
        try {
            servers.bind((Set<String>) next.table());
        } catch (RuntimeException e) {
            revert(previous);
            throw new ApplyException("service password: " + e.getMessage());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void revert(Plan previous) {
        servers.bind(previous == null ? Set.of() : (Set<String>) previous.table());
    }

    @Override
    public Health health() {
        return Health.ok("listening on " + new TreeSet<>(servers.endpoints()));
    }

    @Override
    public void close() {
        servers.close();
    }

    private void serve(HttpExchange x) throws IOException {
        String ip = x.getRemoteAddress().getAddress().getHostAddress();
        String request = x.getRequestHeaders().getFirst("DomU_Request");
        String answer;
        if (!"GET".equals(x.getRequestMethod())) {
            answer = "bad_request";
        } else if ("send_my_password".equals(request)) {
            Secret s = store.get(ip);
            answer = s == null ? "saved_password" : s.reveal();
        } else if ("saved_password".equals(request)) {
            store.remove(ip);
            answer = "saved_password";
        } else {
            answer = "bad_request";
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain");
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }
}
