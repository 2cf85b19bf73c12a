package dev.strata.seeder;

import dev.strata.seeder.config.DbSettings;
import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.Mounter;
import dev.strata.seeder.store.NfsExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One test's world: a fixture database, three NFS store folders (already "mounted"), a bundle. */
final class SeedEnv {

    final DbSettings db;
    final Path storeA;
    final Path storeB;
    final Path storeEmpty;
    final Path bundle;
    final Path mountParent;
    final List<String> log = new ArrayList<>();

    private SeedEnv(DbSettings db, Path tmp, Path bundle) throws Exception {
        this.db = db;
        this.storeA = Files.createDirectories(tmp.resolve("store-a"));
        this.storeB = Files.createDirectories(tmp.resolve("store-b"));
        this.storeEmpty = Files.createDirectories(tmp.resolve("store-empty"));
        this.mountParent = Files.createDirectories(tmp.resolve("mnt"));
        this.bundle = bundle;
    }

    static SeedEnv create(Path tmp, String version) throws Exception {
        return new SeedEnv(MariaDbServer.get().newDatabase(true), tmp,
                TestBundle.write(tmp.resolve("bundle-" + version), version, 64 * 1024));
    }

    /** Stores by URL (nfs-a), by id (nfs-b, nfs-empty): both ways an operator may name them. */
    Map<String, Path> mounted() {
        return Map.of("nfs://nfs-a.test/export/secondary", storeA, "2", storeB, "4", storeEmpty);
    }

    SeedOptions options(Path bundleDir, boolean dryRun) {
        return new SeedOptions(bundleDir, db, mounted(), mountParent, dryRun, 5, false);
    }

    SeedResult seed() {
        return seed(bundle, SeedHooks.NONE);
    }

    SeedResult seed(Path bundleDir, SeedHooks hooks) {
        return new Seeder(options(bundleDir, false), NO_MOUNTS, hooks, CopyProgress.NONE, log::add).run();
    }

    SeedResult dryRun() {
        return new Seeder(options(bundle, true), NO_MOUNTS, SeedHooks.NONE, CopyProgress.NONE, log::add).run();
    }

    /** Every store in these tests is given as already mounted: a mount attempt is a bug. */
    static final Mounter NO_MOUNTS = new Mounter() {
        @Override
        public void mount(NfsExport export, String nfsVersion, Path dir) {
            throw new AssertionError("unexpected mount of " + export.device());
        }

        @Override
        public void unmount(Path dir) {
            throw new AssertionError("unexpected unmount of " + dir);
        }
    };

    Connection connect() throws Exception {
        return DriverManager.getConnection(db.jdbcUrl(5000), db.user(), db.password());
    }

    List<Map<String, Object>> rows(String sql, Object... args) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        // int, unsigned bigint (BigInteger), ...: compare numbers as long in tests.
                        row.put(md.getColumnLabel(i), v instanceof Number n && !(v instanceof java.math.BigDecimal)
                                ? (Object) n.longValue() : v);
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    Object value(String sql, Object... args) throws Exception {
        List<Map<String, Object>> r = rows(sql, args);
        return r.isEmpty() ? null : r.get(0).values().iterator().next();
    }

    long count(String sql, Object... args) throws Exception {
        return ((Number) value(sql, args)).longValue();
    }

    void execute(String sql, Object... args) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Everything that identifies the database's seeding state, to compare before and after. */
    String snapshot() throws Exception {
        return rows("SELECT id, uuid, name, type, url, checksum, guest_os_id, state, size, arch, removed "
                + "FROM vm_template ORDER BY id") + "\n"
                + rows("SELECT zone_id, template_id, removed FROM template_zone_ref ORDER BY id") + "\n"
                + rows("SELECT store_id, template_id, install_path, state, download_state, size, physical_size "
                + "FROM template_store_ref ORDER BY id") + "\n"
                + rows("SELECT name, value FROM configuration ORDER BY name") + "\n"
                + rows("SELECT dc_id, name, value FROM data_center_details ORDER BY id") + "\n"
                + rows("SELECT id, vm_template_id FROM vm_instance ORDER BY id") + "\n"
                + rows("SELECT name, value FROM sequence ORDER BY name");
    }
}
