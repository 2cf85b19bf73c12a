package dev.strata.seeder.store;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code mount -t nfs [-o vers=V] host:/path DIR} and {@code umount DIR}, argument lists only,
 * the same command SystemVmTemplateRegistration runs (without its {@code sudo}: the seeder runs
 * as root from the package scripts).
 */
public final class SystemMounter implements Mounter {

    private static final long TIMEOUT_SECONDS = 120;

    /** The mount command line, for tests and for the dry-run plan. */
    public static List<String> mountCommand(NfsExport export, String nfsVersion, Path dir) {
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "nfs"));
        String vers = NfsExport.checkVersion(nfsVersion);
        if (vers != null) {
            cmd.add("-o");
            cmd.add("vers=" + vers);
        }
        cmd.add(export.device());
        cmd.add(dir.toString());
        return cmd;
    }

    @Override
    public void mount(NfsExport export, String nfsVersion, Path dir) {
        run(mountCommand(export, nfsVersion, dir), "mount " + export.device() + " on " + dir);
    }

    @Override
    public void unmount(Path dir) {
        run(List.of("umount", dir.toString()), "unmount " + dir);
    }

    private static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SeedException(SeedException.Kind.STORE, "cannot " + what + ": no answer in "
                        + TIMEOUT_SECONDS + " s; is the NFS server up and reachable from here?");
            }
            if (p.exitValue() != 0) {
                throw new SeedException(SeedException.Kind.STORE, "cannot " + what + ": "
                        + new String(out, StandardCharsets.UTF_8).strip()
                        + " (exit " + p.exitValue() + "); check the export, this host's access to it, and nfs-common");
            }
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.STORE, "cannot " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(SeedException.Kind.STORE, "interrupted while trying to " + what, e);
        }
    }
}
