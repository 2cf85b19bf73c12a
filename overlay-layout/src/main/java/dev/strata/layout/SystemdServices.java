package dev.strata.layout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link LiveSwitch.Services} on a system VM: systemctl, and the root image's health gate unit. */
public final class SystemdServices implements LiveSwitch.Services {

    public static final String GATE_UNIT = "strata-layer-check.service";

    private final Path routerDir;

    public SystemdServices(Path routerDir) {
        this.routerDir = routerDir;
    }

    @Override
    public void restart(String unit) {
        systemctl(List.of("systemctl", "restart", unit), 5);
    }

    /** Starts the gate (a oneshot unit: systemctl returns when it has decided) and reads its record. */
    @Override
    public HealthGate.Verdict check() {
        systemctl(List.of("systemctl", "start", GATE_UNIT), 30);
        return HealthGate.read(routerDir);
    }

    private static void systemctl(List<String> cmd, int minutes) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new LayerException(String.join(" ", cmd) + " did not return in " + minutes + " minutes");
            }
            if (p.exitValue() != 0 && !cmd.contains(GATE_UNIT)) {
                throw new LayerException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new LayerException("cannot run systemctl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerException("interrupted while running " + String.join(" ", cmd));
        }
    }

    /** The running root image's version, from /etc/strata/release (null off a system VM). */
    public static String rootVersion(Path release) {
        try {
            for (String line : java.nio.file.Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("STRATA_VERSION=")) {
                    return line.substring("STRATA_VERSION=".length()).strip();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
