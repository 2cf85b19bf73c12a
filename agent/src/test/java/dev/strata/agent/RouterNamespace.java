package dev.strata.agent;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A router namespace for one test and the agent started in it, both gone after the test
 * ({@code @RegisterExtension}). Interfaces are veth pairs made inside the namespace: the
 * kernel of a build host may have no dummy driver.
 */
final class RouterNamespace implements AfterEachCallback {

    private Topology net;
    private AgentProcess agent;

    /** Makes the namespace, with these interfaces. */
    String create(String... interfaces) {
        net = Topology.routerOnly();
        for (String dev : interfaces) {
            Sh.in(net.router, "ip", "link", "add", dev, "type", "veth", "peer", "name", dev + "p");
        }
        return net.router;
    }

    String name() {
        return net.router;
    }

    /** Starts {@code a} (made for {@link #name()}) and stops it after the test. */
    AgentProcess start(AgentProcess a) throws Exception {
        agent = a;
        return a.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (net != null) {
            net.close();
        }
    }
}
