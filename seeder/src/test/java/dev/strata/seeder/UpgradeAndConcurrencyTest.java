package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.seeder.store.CopyProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Upgrading from one bundle to the next, runs racing each other, and the lock the server shares. */
@ExtendWith(MariaDbServer.class)
class UpgradeAndConcurrencyTest {

    @TempDir
    Path tmp;

    @Test
    void upgradeAddsTheNewVersionBesideTheOldAndMovesSettings() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.seed();
        long oldKvm = env.count("SELECT id FROM vm_template WHERE name = 'systemvm-kvm-4.22.0-x86_64'");
        List<Path> oldDirs = dirs(env.storeA);

        Path v2 = TestBundle.write(tmp.resolve("bundle-v2"), "4.22.1.0", 64 * 1024);
        SeedResult r = env.seed(v2, SeedHooks.NONE);
        assertThat(r.status()).isEqualTo("seeded");
        assertThat(r.seeded()).hasSize(4);

        long newKvm = env.count("SELECT id FROM vm_template WHERE name = 'systemvm-kvm-4.22.1-x86_64'");
        assertThat(newKvm).isGreaterThan(oldKvm);
        // old templates and their files stay (VMs may still run on them); new ones beside them
        assertThat(env.count("SELECT COUNT(*) FROM vm_template WHERE type = 'SYSTEM' AND removed IS NULL "
                + "AND name LIKE 'systemvm-%-4.22.%'")).isEqualTo(8);
        assertThat(dirs(env.storeA)).containsAll(oldDirs).hasSize(oldDirs.size() + 2);
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.kvm'"))
                .isEqualTo("systemvm-kvm-4.22.1-x86_64");
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'minreq.sysvmtemplate.version'"))
                .isEqualTo("4.22.1");
        assertThat(env.rows("SELECT vm_template_id FROM vm_instance WHERE type <> 'User' AND hypervisor_type = 'KVM'"))
                .allMatch(row -> row.get("vm_template_id").equals(newKvm));
        assertThat((String) env.value("SELECT url FROM vm_template WHERE id = 16")).contains("4.22.1");
        // and the upgraded cloud is idempotent too
        assertThat(env.seed(v2, SeedHooks.NONE).status()).isEqualTo("up-to-date");
    }

    @Test
    void aStoreThatLostItsFilesIsSeededAgainUnderTheSameTemplate() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.seed();
        long kvm = env.count("SELECT id FROM vm_template WHERE name = 'systemvm-kvm-4.22.0-x86_64'");
        Path dir = env.storeA.resolve("template/tmpl/1/" + kvm);
        Files.delete(dir.resolve("template.properties")); // the server's test for "seeded" now fails
        SeedResult r = env.seed();
        assertThat(r.seeded()).singleElement().satisfies(s -> assertThat(s.templateId()).isEqualTo(kvm));
        assertThat(dir.resolve("template.properties")).isRegularFile();
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref WHERE template_id = ? AND store_id = 1", kvm))
                .isEqualTo(1);
    }

    @Test
    void concurrentRunsSeedOnce() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<SeedResult> run = () -> {
            start.await();
            return env.seed();
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<SeedResult> a = pool.submit(run);
            Future<SeedResult> b = pool.submit(run);
            List<String> statuses = new ArrayList<>(List.of(a.get().status(), b.get().status()));
            assertThat(statuses).containsExactlyInAnyOrder("seeded", "up-to-date");
        } finally {
            pool.shutdownNow();
        }
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref")).isEqualTo(4);
        assertThat(env.count("SELECT COUNT(*) FROM vm_template WHERE name LIKE '%4.22.0%'")).isEqualTo(4);
        assertThat(dirs(env.storeA)).hasSize(2);
    }

    @Test
    void waitsForTheManagementServersLockAndGivesUpClearly() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        try (Connection server = env.connect(); PreparedStatement ps = server.prepareStatement(
                "SELECT GET_LOCK('UpgradeDatabase-Lock', 0)")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            Seeder seeder = new Seeder(new SeedOptions(env.bundle, env.db, env.mounted(), env.mountParent, false, 1,
                    false), SeedEnv.NO_MOUNTS, SeedHooks.NONE, CopyProgress.NONE, l -> { });
            assertThatThrownBy(seeder::run).isInstanceOfSatisfying(SeedException.class, e -> {
                assertThat(e.kind()).isEqualTo(SeedException.Kind.LOCKED);
                assertThat(e.getMessage()).contains("UpgradeDatabase-Lock");
            });
            assertThat(env.storeA.resolve("template")).doesNotExist();
        }
        assertThat(env.seed().status()).isEqualTo("seeded"); // the server released it (session ended)
    }

    @Test
    void objectStoreZoneGetsTheRowsTheSsvmDownloadsFrom() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("INSERT INTO cluster (id, name, uuid, pod_id, data_center_id, hypervisor_type, arch) "
                + "VALUES (20, 's3-ovm', 'c20', 3, 3, 'Ovm3', 'x86_64')");
        env.seed();
        Map<String, Object> ovm = env.rows("SELECT * FROM vm_template WHERE name = 'systemvm-ovm3-4.22.0-x86_64'").get(0);
        assertThat(ovm).containsEntry("type", "SYSTEM").containsEntry("format", "RAW").containsEntry("cross_zones", 1L);
        assertThat((String) ovm.get("url")).isEqualTo("https://download.test/systemvm/4.22/"
                + "systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2");
        assertThat(env.count("SELECT COUNT(*) FROM template_zone_ref WHERE template_id = ?", ovm.get("id"))).isEqualTo(4);
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref WHERE template_id = ?", ovm.get("id"))).isZero();
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.ovm3'"))
                .isEqualTo("systemvm-ovm3-4.22.0-x86_64");
        assertThat(env.seed().status()).isEqualTo("up-to-date");
    }

    private static List<Path> dirs(Path store) throws Exception {
        try (Stream<Path> s = Files.list(store.resolve("template/tmpl/1"))) {
            return s.sorted().toList();
        }
    }
}
