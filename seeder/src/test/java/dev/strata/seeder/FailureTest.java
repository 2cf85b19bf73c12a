package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.strata.seeder.config.DbSettings;
import dev.strata.seeder.store.CopyProgress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every failure is one clear error of its own kind, and nothing is half-written. */
@ExtendWith(MariaDbServer.class)
class FailureTest {

    @TempDir
    Path tmp;

    @Test
    void checksumMismatchStopsBeforeAnyWrite() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        String before = env.snapshot();
        Path vmware = env.bundle.resolve("systemvmtemplate-4.22.0-x86_64-vmware.ova");
        byte[] b = Files.readAllBytes(vmware);
        b[b.length / 2] ^= 1;
        Files.write(vmware, b);
        assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.CHECKSUM);
            assertThat(e.getMessage()).contains("VMware/x86_64", vmware.toString(), "nothing was written");
        });
        assertThat(env.snapshot()).isEqualTo(before);
        assertThat(env.storeA.resolve("template")).doesNotExist();
        assertThat(env.storeB.resolve("template")).doesNotExist();
    }

    @Test
    void unreachableDatabase() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path bundle = TestBundle.write(tmp.resolve("b"), "4.22.0.0", 1024);
        DbSettings nowhere = new DbSettings("127.0.0.1", closedPort, "cloud", "x", "cloud");
        assertThatThrownBy(() -> seeder(bundle, nowhere).run()).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.DATABASE_UNREACHABLE);
            assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort, "cannot be reached");
        });
    }

    @Test
    void wrongPassword() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        DbSettings bad = new DbSettings(env.db.host(), env.db.port(), env.db.user(), "wrong", env.db.database());
        assertThatThrownBy(() -> seeder(env.bundle, bad).run()).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.DATABASE_UNREACHABLE);
            assertThat(e.getMessage()).contains("refused the login");
        });
    }

    @Test
    void schemaNewerThanTheBundleIsRefused() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("INSERT INTO version (version, updated, step) VALUES ('4.23.0.0', UTC_TIMESTAMP(), 'Complete')");
        String before = env.snapshot();
        assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.SCHEMA);
            assertThat(e.getMessage()).contains("4.23.0.0", "newer than this bundle");
        });
        assertThat(env.snapshot()).isEqualTo(before);
    }

    @Test
    void schemaOlderThanTheSeederCanWriteIsAnErrorOrDeferred() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("DELETE FROM version WHERE version <> '4.0.0'");
        env.execute("ALTER TABLE vm_template DROP COLUMN arch");
        assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.SCHEMA);
            assertThat(e.getMessage()).contains("4.0.0", "vm_template.arch", "older than 4.20.0");
        });
        SeedResult deferred = new Seeder(new SeedOptions(env.bundle, env.db, env.mounted(), env.mountParent, false, 5,
                true), SeedEnv.NO_MOUNTS, SeedHooks.NONE, CopyProgress.NONE, l -> { }).run();
        assertThat(deferred.status()).isEqualTo("deferred");
        assertThat(env.storeA.resolve("template")).doesNotExist();
    }

    @Test
    void notACloudStackDatabase() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("DROP TABLE version");
        assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.SCHEMA);
            assertThat(e.getMessage()).contains("not a CloudStack database");
        });
    }

    @Test
    void storeSmallerThanTheBundleIsRefusedUpFront() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting a tmpfs needs root").isEqualTo("root");
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        String before = env.snapshot();
        try (Tmpfs ignored = Tmpfs.mount(env.storeA, 64 * 1024)) {
            assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
                assertThat(e.kind()).isEqualTo(SeedException.Kind.STORE_FULL);
                assertThat(e.getMessage()).contains("nothing was written");
            });
            assertThat(filesUnder(env.storeA)).isEmpty();
        }
        assertThat(env.snapshot()).isEqualTo(before);
    }

    @Test
    void storeFillingUpMidCopyKeepsNothing() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting a tmpfs needs root").isEqualTo("root");
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        String before = env.snapshot();
        // Room for the bundled files (the up-front check passes) but not for the OVA and its
        // extracted members side by side: the store fills up in the middle of the VMware copy.
        long bundled = Files.size(env.bundle.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"))
                + Files.size(env.bundle.resolve("systemvmtemplate-4.22.0-x86_64-vmware.ova"));
        try (Tmpfs ignored = Tmpfs.mount(env.storeA, bundled + 40 * 1024)) {
            assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
                assertThat(e.kind()).isEqualTo(SeedException.Kind.STORE_FULL);
                assertThat(e.getMessage()).contains("secondary storage is full", "nothing was kept");
            });
            assertThat(filesUnder(env.storeA)).isEmpty();
        }
        assertThat(env.snapshot()).isEqualTo(before);
        // Store B (zone-b) got nothing either: rows are all-or-nothing, and its folders were removed.
        assertThat(filesUnder(env.storeB)).isEmpty();
    }

    @Test
    void readOnlyStoreIsOneClearError() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting needs root").isEqualTo("root");
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        try (Tmpfs ignored = Tmpfs.mountReadOnly(env.storeA)) {
            assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
                assertThat(e.kind()).isIn(SeedException.Kind.STORE, SeedException.Kind.PERMISSION);
                assertThat(e.getMessage()).contains(env.storeA.toString());
            });
            // found up front: before the bundle's sha512 pass and before any copy to any store
            assertThat(env.log).noneMatch(l -> l.startsWith("checking sha512") || l.startsWith("copying"));
            assertThat(env.storeB.resolve("template")).doesNotExist();
        }
    }

    @Test
    void missingBundle() {
        DbSettings any = new DbSettings("127.0.0.1", 1, "cloud", "", "cloud");
        assertThatThrownBy(() -> seeder(tmp.resolve("nothing"), any).run()).isInstanceOfSatisfying(SeedException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(SeedException.Kind.BUNDLE);
                    assertThat(e.getMessage()).contains("no metadata.ini", "--bundle");
                });
    }

    private Seeder seeder(Path bundle, DbSettings db) {
        return new Seeder(new SeedOptions(bundle, db, Map.of(), tmp.resolve("mnt"), false, 5, false),
                SeedEnv.NO_MOUNTS, SeedHooks.NONE, CopyProgress.NONE, l -> { });
    }

    /** Regular files left on a store (empty folders are harmless). */
    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** A small tmpfs (or a read-only one) mounted over a folder for one test. */
    record Tmpfs(Path dir) implements AutoCloseable {
        static Tmpfs mount(Path dir, long bytes) throws Exception {
            run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString());
            return new Tmpfs(dir);
        }

        static Tmpfs mountReadOnly(Path dir) throws Exception {
            run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir.toString());
            return new Tmpfs(dir);
        }

        @Override
        public void close() throws Exception {
            try {
                run("umount", dir.toString());
            } catch (IllegalStateException busy) {
                run("umount", "-l", dir.toString()); // never leave a mount in /tmp, then report
                throw busy;
            }
        }

        private static void run(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
            }
        }
    }
}
