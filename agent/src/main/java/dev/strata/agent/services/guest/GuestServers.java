package dev.strata.agent.services.guest;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP listeners a guest service keeps on the router's guest addresses (the JDK's
 * {@code com.sun.net.httpserver}: already in the layer's runtime, no extra jar, and its memory is
 * measured in docs/agent.md). {@link #bind} opens what is missing and closes what is no longer
 * wanted; the handler reads an immutable table the service swaps, so a change never blocks a
 * request. One small thread pool serves every listener of a service.
 */
public final class GuestServers {

    private final String service;
    private final HttpHandler handler;
    private final Map<String, HttpServer> open = new HashMap<>();
    private final ExecutorService pool;

    public GuestServers(String service, HttpHandler handler) {
        this.service = service;
        this.handler = handler;
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, service + "-http");
            t.setDaemon(true);
            return t;
        });
    }

    /** Listens on exactly {@code endpoints} ("address:port"); throws naming the one that cannot be bound. */
    public synchronized void bind(Set<String> endpoints) {
        for (String e : Set.copyOf(open.keySet())) {
            if (!endpoints.contains(e)) {
                open.remove(e).stop(0);
            }
        }
        for (String e : new TreeSet<>(endpoints)) {
            if (open.containsKey(e)) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(e.substring(0, colon)),
                        Integer.parseInt(e.substring(colon + 1))), 128);
                s.createContext("/", handler);
                s.setExecutor(pool);
                s.start();
                open.put(e, s);
            } catch (IOException ex) {
                throw new IllegalStateException(service + " cannot listen on " + e + ": " + ex.getMessage(), ex);
            }
        }
    }

    public synchronized Set<String> endpoints() {
        return Set.copyOf(open.keySet());
    }

    public synchronized void close() {
        open.values().forEach(s -> s.stop(0));
        open.clear();
        pool.shutdownNow();
    }
}
