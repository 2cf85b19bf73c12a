package dev.strata.agent.services.dhcp;

import dev.strata.agent.model.ConfigPart;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.plane.ApplyException;
import dev.strata.agent.plane.Commands;
import dev.strata.agent.service.AtomicFiles;
import dev.strata.agent.service.Checks;
import dev.strata.agent.service.Health;
import dev.strata.agent.service.Opening;
import dev.strata.agent.service.Phase;
import dev.strata.agent.service.Plan;
import dev.strata.agent.service.Service;
import dev.strata.agent.service.Supervisor;
import dev.strata.agent.services.guest.GuestView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * DHCP and DNS for the guest networks, by dnsmasq (the CloudStack VR's daemon too). A host added
 * or removed rewrites the data files atomically and sends SIGHUP (no restart, no lease lost); a
 * change of the main file is tested with {@code dnsmasq --test} first, then restarts the daemon.
 * If dnsmasq refuses, the previous files are put back and it keeps serving them.
 */
public final class DhcpService implements Service {

    public static final String UNIT = "strata-dnsmasq";

    private final Path dir;
    private final Path runtimeDir;
    private final Supervisor supervisor;
    private final String dnsmasq;
    private final boolean asRoot;

    /**
     * @param dir        its rendered files ({@code <state-dir>/services/dhcp})
     * @param runtimeDir its leases ({@code <state-dir>/runtime/dhcp}: outside the journal, kept across restarts)
     * @param asRoot     run dnsmasq as root (process supervisor: the test's files are root's)
     */
    public DhcpService(Path dir, Path runtimeDir, Supervisor supervisor, String dnsmasq, boolean asRoot) {
        this.dir = dir;
        this.runtimeDir = runtimeDir;
        this.supervisor = supervisor;
        this.dnsmasq = dnsmasq;
        this.asRoot = asRoot;
    }

    @Override
    public String name() {
        return "dhcp";
    }

    @Override
    public Phase phase() {
        return Phase.DAEMONS;
    }

    @Override
    public List<ConfigPart> parts() {
        return List.of(ConfigPart.INTERFACES, ConfigPart.GUEST_NETWORKS, ConfigPart.DHCP_HOSTS);
    }

    @Override
    public void check(RouterConfig config, Checks checks) {
        DhcpChecks.check(config, checks);
    }

    @Override
    public Plan plan(RouterConfig next) {
        return new Plan(DnsmasqConfig.render(next, dir, runtimeDir), null, null);
    }

    @Override
    public List<Opening> openings(RouterConfig c) {
        List<Opening> out = new ArrayList<>();
        for (GuestView.Net4 n : GuestView.of(c).networks()) {
            if (n.network().offers("dhcp")) {
                out.add(new Opening(n.interfaceName(), "udp", 67));
            }
            if (n.network().offers("dns")) {
                out.add(new Opening(n.interfaceName(), "udp", 53));
                out.add(new Opening(n.interfaceName(), "tcp", 53));
            }
        }
        return out;
    }

    List<String> argv() {
        List<String> a = new ArrayList<>(List.of(dnsmasq, "--keep-in-foreground", "--conf-file=" + dir.resolve(DnsmasqConfig.MAIN)));
        if (asRoot) {
            a.add(1, "--user=root");
            a.add(2, "--group=root");
        }
        return a;
    }

    @Override
    public void apply(Plan next, Plan previous) {
        try {
            put(next, previous);
        } catch (RuntimeException e) {
            String why = e.getMessage();
            String restored;
            try {
                revert(previous);
                restored = "previous configuration restored";
            } catch (RuntimeException again) {
                restored = "restoring the previous configuration failed too: " + again.getMessage();
            }
            throw new ApplyException("service dhcp: " + why + "; " + restored);
        }
    }

    private void put(Plan next, Plan previous) {
        Map<String, String> files = next.files();
        if (files.isEmpty()) {
            stop();
            return;
        }
        // What is in place: the previous plan, or at start-up what the disk holds (a crash may
        // have left new files that dnsmasq never re-read: a reload repairs that).
        String mainNow = previous != null ? previous.files().get(DnsmasqConfig.MAIN) : AtomicFiles.read(dir.resolve(DnsmasqConfig.MAIN));
        boolean mainChanged = !Objects.equals(mainNow, files.get(DnsmasqConfig.MAIN)) || !supervisor.running(UNIT);
        boolean dataChanged = previous == null;
        for (String f : DnsmasqConfig.DATA_FILES) {
            dataChanged |= previous != null && !Objects.equals(previous.files().get(f), files.get(f));
        }
        if (mainChanged || dataChanged) {
            test(files);
        }
        try {
            Files.createDirectories(runtimeDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + runtimeDir + ": " + e.getMessage());
        }
        for (String f : DnsmasqConfig.DATA_FILES) {
            String text = files.get(f);
            if (previous == null || !Objects.equals(previous.files().get(f), text)) {
                AtomicFiles.write(dir.resolve(f), text, "rw-r--r--");
            }
        }
        if (mainChanged) {
            AtomicFiles.write(dir.resolve(DnsmasqConfig.MAIN), files.get(DnsmasqConfig.MAIN), "rw-r--r--");
            supervisor.restart(UNIT, argv());
        } else if (dataChanged) {
            supervisor.reload(UNIT);
        }
    }

    /**
     * dnsmasq's own verdict, before anything running is replaced. {@code --test} parses the main
     * file only (a bad line in a hosts or options file would merely be logged at SIGHUP), so the
     * data files' lines are tested inline as {@code dhcp-host=} and {@code dhcp-option=} lines.
     */
    private void test(Map<String, String> files) {
        StringBuilder conf = new StringBuilder();
        for (String line : files.get(DnsmasqConfig.MAIN).split("\n")) {
            if (!line.startsWith("dhcp-hostsfile=") && !line.startsWith("dhcp-optsfile=") && !line.startsWith("addn-hosts=")) {
                conf.append(line).append('\n');
            }
        }
        inline(conf, "dhcp-host=", files.get(DnsmasqConfig.HOSTS));
        inline(conf, "dhcp-option=", files.get(DnsmasqConfig.OPTS));
        Path tmp = dir.resolve(".dnsmasq.conf.test");
        AtomicFiles.write(tmp, conf.toString(), "rw-r--r--");
        Commands.Result r = Commands.run(List.of(dnsmasq, "--test", "--conf-file=" + tmp), null, Duration.ofSeconds(10));
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // a leftover test file is harmless
        }
        if (!r.ok()) {
            throw new IllegalStateException("dnsmasq refused the configuration: " + r.why());
        }
    }

    private static void inline(StringBuilder conf, String key, String text) {
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                conf.append(key).append(line).append('\n');
            }
        }
    }

    @Override
    public void revert(Plan previous) {
        if (previous == null || previous.files().isEmpty()) {
            stop();
            return;
        }
        for (Map.Entry<String, String> f : previous.files().entrySet()) {
            AtomicFiles.write(dir.resolve(f.getKey()), f.getValue(), "rw-r--r--");
        }
        supervisor.restart(UNIT, argv());
    }

    /** No guest network left: the daemon stops and its main file goes (the leases stay, runtime state). */
    private void stop() {
        // Only what runs is stopped: a router with no guest network never asks the supervisor anything.
        if (supervisor.running(UNIT)) {
            supervisor.stop(UNIT);
        }
        try {
            Files.deleteIfExists(dir.resolve(DnsmasqConfig.MAIN));
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + dir.resolve(DnsmasqConfig.MAIN) + ": " + e.getMessage());
        }
    }

    @Override
    public Health health() {
        if (!Files.exists(dir.resolve(DnsmasqConfig.MAIN)) && !supervisor.running(UNIT)) {
            return Health.ok("no guest network offers DHCP or DNS");
        }
        return supervisor.running(UNIT) ? Health.ok("dnsmasq running, pid " + supervisor.pid(UNIT))
                : Health.degraded("dnsmasq is not running");
    }
}
