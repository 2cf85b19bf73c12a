package dev.strata.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.builder.layer.RuntimeJars;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.rootfs.RootfsBootstrap;
import dev.strata.builder.tools.HostTools;
import dev.strata.layout.Deletion;
import dev.strata.seeder.MariaDbServer;
import dev.strata.seeder.TestBundle;
import dev.strata.seeder.config.DbSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package as an operator meets it: {@code dpkg -i} into a Debian 12 root (mmdebstrap, with a
 * Java runtime; kept in the cache between runs) whose db.properties points at a real MariaDB
 * holding the seeder's test schema; then an upgrade to a newer version, a reinstall, and removal.
 * Also an install with no database at all and one whose database is down: both succeed and say
 * what to run. Needs root (chroot, dpkg) and mmdebstrap.
 */
@ExtendWith(MariaDbServer.class)
class ManagementPackageInstallTest {

    static final String PKG = ManagementPackage.DEFAULT_NAME;

    @TempDir
    Path tmp;
    Path root;
    final List<String> mounted = new ArrayList<>();

    @BeforeEach
    void root() throws Exception {
        assumeTrue(HostTools.isRoot(), "needs root: chroot and dpkg");
        assumeTrue(HostTools.findOnPath("mmdebstrap") != null, "needs mmdebstrap");
        root = tmp.resolve("root");
        run(List.of("cp", "-a", "--reflink=auto", cachedRoot().toString(), root.toString()));
        mount("proc", "proc", root.resolve("proc"));
    }

    @AfterEach
    void unmount() throws Exception {
        for (String m : reversed(mounted)) {
            new ProcessBuilder("umount", "-l", m).inheritIO().start().waitFor();
        }
        if (root != null && !Files.exists(root.resolve("proc/self"))) {
            Deletion.deleteTree(root); // ourselves: JUnit's clean-up warns about every absolute symlink in a root tree
        }
    }

    @Test
    void installSeedsOnceUpgradeSeedsBesideRemoveLeavesThem() throws Exception {
        DbSettings db = MariaDbServer.get().newDatabase(true);
        onlyTheS3Zone(db); // no NFS client on this machine: the S3 zone's rows are what seeding writes here
        writeDbProperties(db.port(), db.database());
        Path v1 = deb("4.22.0.0", "4.22.0");
        Path v2 = deb("4.22.1.0", "4.22.1");

        Result install = dpkg("-i", v1);
        assertThat(install.status).as(install.output).isZero();
        assertThat(root.resolve("usr/share/cloudstack-management/templates/systemvm/metadata.ini")).isRegularFile();
        assertThat(root.resolve("usr/share/cloudstack-management/templates/systemvm/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"))
                .isRegularFile();
        assertThat(root.resolve("usr/bin/strata")).isExecutable();
        assertThat(templates(db)).containsExactly("systemvm-kvm-4.22.0-x86_64");
        assertThat(setting(db, "router.template.kvm")).isEqualTo("systemvm-kvm-4.22.0-x86_64");

        Result again = dpkg("-i", v1);
        assertThat(again.status).as(again.output).isZero();
        assertThat(templates(db)).as("reinstalling seeds nothing more").containsExactly("systemvm-kvm-4.22.0-x86_64");

        Result upgrade = dpkg("-i", v2);
        assertThat(upgrade.status).as(upgrade.output).isZero();
        assertThat(templates(db)).containsExactly("systemvm-kvm-4.22.0-x86_64", "systemvm-kvm-4.22.1-x86_64");
        assertThat(setting(db, "router.template.kvm")).isEqualTo("systemvm-kvm-4.22.1-x86_64");
        assertThat(root.resolve("usr/share/cloudstack-management/templates/systemvm/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"))
                .as("the upgrade replaced the bundle").doesNotExist();

        Result remove = dpkg("-r", null);
        assertThat(remove.status).as(remove.output).isZero();
        assertThat(root.resolve("usr/share/cloudstack-management/templates/systemvm")).doesNotExist();
        assertThat(root.resolve("usr/bin/strata")).doesNotExist();
        assertThat(templates(db)).as("removal leaves seeded templates alone")
                .containsExactly("systemvm-kvm-4.22.0-x86_64", "systemvm-kvm-4.22.1-x86_64");
    }

    @Test
    void noDatabaseYetAndDatabaseDownBothInstallAndSayWhatToRun() throws Exception {
        Path v1 = deb("4.22.0.0", "4.22.0");
        Result fresh = dpkg("-i", v1);
        assertThat(fresh.status).as(fresh.output).isZero();
        assertThat(fresh.output).contains(PKG + ": no /etc/cloudstack/management/db.properties yet: after "
                + "cloudstack-setup-databases, run 'strata seed'");
        assertThat(dpkg("-r", null).status).isZero();

        writeDbProperties(1, "cloud"); // nothing listens on port 1
        Result down = dpkg("-i", v1);
        assertThat(down.status).as(down.output).isZero();
        assertThat(down.output).contains(PKG + ": strata seed failed (exit 12, see above); the management server "
                + "registers the templates at start, or run 'strata seed' again");
        assertThat(root.resolve("var/lib/dpkg/info/" + PKG + ".list")).isRegularFile();
    }

    // ---- helpers

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    record Result(int status, String output) {
    }

    private Path deb(String fourPart, String version) throws Exception {
        Path bundle = TestBundle.write(tmp.resolve("bundle-" + version), fourPart, 4096);
        Path out = tmp.resolve(PKG + "_" + version + "_all.deb");
        return ManagementPackage.write(new ManagementPackage.Spec(PKG, version, bundle,
                RuntimeJars.ofCliModule(Path.of("..", "cli", System.getProperty("strata.target", "target"))), 1767225600L),
                out, s -> { });
    }

    private Result dpkg(String action, Path deb) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chroot", root.toString(), "dpkg", action));
        if (deb != null) {
            Files.copy(deb, root.resolve("tmp").resolve(deb.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            cmd.add("/tmp/" + deb.getFileName());
        } else {
            cmd.add(PKG);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private void writeDbProperties(int port, String database) throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc/cloudstack/management"));
        Files.writeString(etc.resolve("db.properties"), "db.cloud.username=" + MariaDbServer.USER + "\n"
                + "db.cloud.password=" + MariaDbServer.PASSWORD + "\ndb.cloud.host=127.0.0.1\ndb.cloud.port=" + port
                + "\ndb.cloud.name=" + database + "\ndb.cloud.encryption.type=none\n");
    }

    private static void onlyTheS3Zone(DbSettings db) throws Exception {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute("DELETE FROM image_store WHERE protocol = 'nfs'");
        }
    }

    /** The KVM x86_64 system templates (the zone kept has a KVM x86_64 cluster; the seeder may register others). */
    private static List<String> templates(DbSettings db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM vm_template WHERE type = 'SYSTEM' AND removed IS NULL"
                     + " AND name LIKE 'systemvm-kvm-4.22%-x86_64' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String setting(DbSettings db, String name) throws Exception {
        try (Connection c = connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT value FROM configuration WHERE name = '" + name + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Connection connect(DbSettings db) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + db.database(),
                db.user(), db.password());
    }

    private void mount(String type, String source, Path target) throws Exception {
        run(List.of("mount", "-t", type, source, target.toString()));
        mounted.add(target.toString());
    }

    /**
     * A Debian 12 root with dpkg and a Java runtime, made once by mmdebstrap from the host's apt
     * sources and kept in the cache (entries appear by rename only).
     */
    private static Path cachedRoot() throws Exception {
        Profile debian = new ProfileLoader().load(Path.of("..", "debian-profile", "profiles", "debian.yaml"));
        List<String> mirrors = RootfsBootstrap.mirrorLines(debian, null, Path.of("/etc/apt"));
        List<String> packages = List.of("openjdk-17-jre-headless");
        String key = new dev.strata.builder.pipeline.Digest().add("mirrors", String.join("\n", mirrors))
                .add("packages", String.join(",", packages)).add("recipe", "deb-install-root-1").hex().substring(0, 16);
        Path cache = dev.strata.builder.pipeline.BuildOptions.defaultCacheDir().resolve("test-roots");
        Path entry = cache.resolve("deb-install-" + key);
        if (Files.isDirectory(entry)) {
            return entry;
        }
        Files.createDirectories(cache);
        Path partial = cache.resolve("deb-install-" + key + ".partial-" + ProcessHandle.current().pid());
        Deletion.deleteTree(partial);
        List<String> cmd = new ArrayList<>(List.of("mmdebstrap", "--mode=root", "--variant=apt", "--quiet",
                "--include=" + String.join(",", packages), debian.distribution().suite(), partial.toString()));
        cmd.addAll(mirrors);
        run(cmd);
        Files.move(partial, entry, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return entry;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + out);
        }
    }
}
