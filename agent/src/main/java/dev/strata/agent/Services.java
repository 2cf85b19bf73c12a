package dev.strata.agent;

import dev.strata.agent.service.Service;
import dev.strata.agent.service.Supervisor;
import dev.strata.agent.services.dhcp.DhcpService;
import dev.strata.agent.services.metadata.MetadataService;
import dev.strata.agent.services.password.PasswordService;
import dev.strata.agent.services.password.PasswordStore;
import java.nio.file.Path;
import java.util.List;

/**
 * The registry of the router's services (the kernel's nft and ip are the data plane's, applied
 * before them). A new service is one line here plus its package; each owns
 * {@code <state-dir>/services/<name>/} (rendered files) and {@code <state-dir>/runtime/<name>/}
 * (runtime state, outside the journal).
 */
final class Services {

    private Services() {
    }

    static List<Service> all(AgentOptions o) {
        Supervisor supervisor = o.supervisor().equals("process")
                ? new dev.strata.agent.service.ProcessSupervisor(runtime(o, "supervisor"))
                : Supervisor.of(o.supervisor());
        return List.of(
                new DhcpService(o.stateDir().resolve("services").resolve("dhcp"), runtime(o, "dhcp"), supervisor, o.dnsmasq(),
                        o.supervisor().equals("process")),
                new PasswordService(new PasswordStore(runtime(o, "password"))),
                new MetadataService());
    }

    private static Path runtime(AgentOptions o, String service) {
        return o.stateDir().resolve("runtime").resolve(service);
    }
}
