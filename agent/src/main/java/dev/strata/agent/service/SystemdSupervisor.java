package dev.strata.agent.service;

import dev.strata.agent.plane.Commands;
import java.time.Duration;
import java.util.List;

/**
 * Daemons as systemd units of the layer ({@code strata-<daemon>.service}, declared in the
 * layer's {@code services} map so that a live switch restarts only what changed). The unit file
 * holds the command line; {@code argv} is for {@link ProcessSupervisor} only. Restarts on a crash
 * are systemd's ({@code Restart=on-failure}), not the agent's.
 */
public final class SystemdSupervisor implements Supervisor {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    public void ensureRunning(String unit, List<String> argv) {
        systemctl("start", unit);
    }

    @Override
    public void restart(String unit, List<String> argv) {
        systemctl("restart", unit);
    }

    @Override
    public void reload(String unit) {
        systemctl("kill", "--signal=HUP", "--kill-whom=main", unit);
    }

    @Override
    public void stop(String unit) {
        systemctl("stop", unit);
    }

    @Override
    public boolean running(String unit) {
        return Commands.run(List.of("systemctl", "is-active", "--quiet", unit), null, TIMEOUT).ok();
    }

    @Override
    public long pid(String unit) {
        Commands.Result r = Commands.run(List.of("systemctl", "show", "--property=MainPID", "--value", unit), null, TIMEOUT);
        try {
            long pid = Long.parseLong(r.stdout().strip());
            return pid > 0 ? pid : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void systemctl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("systemctl"));
        cmd.addAll(List.of(args));
        Commands.Result r = Commands.run(cmd, null, TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + r.why());
        }
    }
}
