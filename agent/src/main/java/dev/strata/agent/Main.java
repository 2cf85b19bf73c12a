package dev.strata.agent;

import dev.strata.agent.api.ApiHandler;
import dev.strata.agent.api.LayerApi;
import dev.strata.agent.api.ApiServer;
import dev.strata.agent.plane.DataPlane;
import dev.strata.agent.plane.IpPlane;
import dev.strata.agent.plane.Nft;
import dev.strata.agent.store.GenerationStore;
import java.time.Clock;

/**
 * The VR agent. Start-up order matters: open the journal, re-apply the last accepted generation
 * to the kernel, and only then open the API, so that a health check never answers "ok" for a
 * router whose rules are not loaded.
 */
public final class Main {

    private Main() {
    }

    public static String version() {
        return System.getProperty("strata.version", "dev");
    }

    public static void main(String[] args) throws Exception {
        AgentOptions o;
        try {
            o = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        GenerationStore store = new GenerationStore(o.stateDir(), o.keepGenerations());
        RouterService service = new RouterService(store, new DataPlane(new Nft(o.nft()), new IpPlane(o.ip())),
                Clock.systemUTC(), Services.all(o));
        service.start();
        ApiHandler api = new ApiHandler(service, version(), new LayerApi(o.routerDir(), o.trustedKeys(), o.rootRelease(),
                LayerApi.systemdSwitch(o.routerDir(), o.trustedKeys())));
        api.cloudStack(new dev.strata.agent.cloudstack.CloudStackApi(api::handle, Json.shared(),
                new dev.strata.agent.cloudstack.BagJournal(o.stateDir(), o.cloudStackDir()),
                dev.strata.agent.cloudstack.Nics.system()));
        ApiServer server = new ApiServer(api, o.socket(), o.tls());
        server.start();
        ApiServer.restrict(o.socket());
        api.warmUpInBackground();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                service.services().forEach(dev.strata.agent.service.Service::close);
            } catch (Exception e) {
                // exiting anyway; the kernel keeps the rules
            }
        }, "shutdown"));
        RouterService.Applied a = service.applied();
        System.out.printf("strata-agent %s: generation %d %s, API on %s%s (%d ms)%n", version(), service.desired().generation(),
                a.error() == null ? "applied" : "NOT applied: " + a.error(), o.socket(),
                o.tls() == null ? "" : " and TLS port " + server.tcpPort(), (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        Thread.currentThread().join(); // Jetty's threads serve; the shutdown hook stops them
    }
}
