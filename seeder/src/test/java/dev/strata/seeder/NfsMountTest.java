package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.Mounter;
import dev.strata.seeder.store.NfsExport;
import dev.strata.seeder.store.SystemMounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores given as NFS URLs are mounted for the run and unmounted after. This machine's kernel has
 * neither an NFS client nor an NFS server, so the export is stood in for by a real bind mount of a
 * local folder: the seeder's mount life-cycle (temporary mount point, writes through it, unmount,
 * mount point removed, even on failure) runs for real; the NFS command itself is checked as an
 * argument list.
 */
@ExtendWith(MariaDbServer.class)
class NfsMountTest {

    @TempDir
    Path tmp;

    @Test
    void mountCommandIsTheServersWithTheStoresNfsVersion() {
        NfsExport e = NfsExport.fromStoreUrl("nfs://10.0.2.5/export/b");
        assertThat(SystemMounter.mountCommand(e, "4.1", Path.of("/mnt/x")))
                .containsExactly("mount", "-t", "nfs", "-o", "vers=4.1", "10.0.2.5:/export/b", "/mnt/x");
        assertThat(SystemMounter.mountCommand(e, null, Path.of("/mnt/x")))
                .containsExactly("mount", "-t", "nfs", "10.0.2.5:/export/b", "/mnt/x");
    }

    @Test
    void storeUrlsThatCouldBecomeOptionsAreRefused() {
        for (String bad : List.of("nfs://-oexec/x", "nfs://host/export/../../etc", "nfs://host/a b", "smb://host/x",
                "nfs://host/x;reboot")) {
            assertThatThrownBy(() -> NfsExport.fromStoreUrl(bad)).as(bad).isInstanceOf(SeedException.class);
        }
        assertThatThrownBy(() -> SystemMounter.mountCommand(NfsExport.fromStoreUrl("nfs://h/x"), "4,nolock",
                Path.of("/m"))).hasMessageContaining("not an NFS version");
    }

    @Test
    void nfsStoresAreMountedForTheRunAndUnmountedAfter() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting needs root").isEqualTo("root");
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Path exportA = Files.createDirectories(tmp.resolve("export-a"));
        Path exportB = Files.createDirectories(tmp.resolve("export-b"));
        BindMounter mounter = new BindMounter(Map.of("nfs-a.test:/export/secondary", exportA,
                "10.0.2.5:/export/b", exportB));
        SeedResult r = new Seeder(new SeedOptions(env.bundle, env.db, Map.of(), env.mountParent, false, 5, false),
                mounter, SeedHooks.NONE, CopyProgress.NONE, l -> { }).run();
        assertThat(r.status()).isEqualTo("seeded");
        assertThat(mounter.calls).contains("mount nfs-a.test:/export/secondary vers=null",
                "mount 10.0.2.5:/export/b vers=4.1");
        assertThat(mounter.calls.stream().filter(c -> c.startsWith("umount")).count()).isEqualTo(2);
        // the files went through the mount into the "export"; no mount point is left behind
        try (Stream<Path> s = Files.list(exportA.resolve("template/tmpl/1"))) {
            assertThat(s.count()).isEqualTo(2);
        }
        try (Stream<Path> s = Files.list(env.mountParent)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(env.mountParent.toString());
    }

    @Test
    void aFailedRunStillUnmounts() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting needs root").isEqualTo("root");
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Files.write(env.bundle.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"), new byte[] {1});
        BindMounter mounter = new BindMounter(Map.of("nfs-a.test:/export/secondary",
                Files.createDirectories(tmp.resolve("ea")), "10.0.2.5:/export/b", Files.createDirectories(tmp.resolve("eb"))));
        assertThatThrownBy(new Seeder(new SeedOptions(env.bundle, env.db, Map.of(), env.mountParent, false, 5, false),
                mounter, SeedHooks.NONE, CopyProgress.NONE, l -> { })::run).isInstanceOf(SeedException.class);
        try (Stream<Path> s = Files.list(env.mountParent)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(env.mountParent.toString());
    }

    /** Stands in for NFS: bind-mounts a local folder where the export would be mounted. */
    static final class BindMounter implements Mounter {
        final Map<String, Path> exports;
        final List<String> calls = new ArrayList<>();

        BindMounter(Map<String, Path> exports) {
            this.exports = exports;
        }

        @Override
        public void mount(NfsExport export, String nfsVersion, Path dir) {
            calls.add("mount " + export.device() + " vers=" + nfsVersion);
            run("mount", "--bind", exports.get(export.device()).toString(), dir.toString());
        }

        @Override
        public void unmount(Path dir) {
            calls.add("umount " + dir);
            run("umount", dir.toString());
        }

        private static void run(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
