package dev.strata.seeder;

import dev.strata.layout.Deletion;
import dev.strata.seeder.config.DbSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MariaDB server for the tests: {@code mariadb-install-db} into a temporary data folder,
 * {@code mariadbd} on a free loopback port and a private socket, stopped when the test run ends
 * (one server per test JVM; every test gets its own database). Needs Debian's mariadb-server.
 */
public final class MariaDbServer implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {

    public static final String USER = "cloud";
    public static final String PASSWORD = "cloud-test-pw";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static MariaDbServer instance;

    private static final String REFERENCE_DB = "cloudstack_reference";
    private final List<String> referenceTables = new ArrayList<>();
    private Path dir;
    private Process process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (MariaDbServer.class) {
            if (instance == null) {
                MariaDbServer s = new MariaDbServer();
                s.start();
                instance = s;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(MariaDbServer.class.getName(), s);
            }
        }
    }

    public static MariaDbServer get() {
        if (instance == null) {
            throw new IllegalStateException("register MariaDbServer with @ExtendWith");
        }
        return instance;
    }

    public int port() {
        return port;
    }

    private void start() throws Exception {
        // Data on tmpfs when there is one, and no fsync: the tests build ~40 copies of CloudStack's
        // 321-table schema, and a throw-away server need not survive a power cut.
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "strata-mariadb-")
                : Files.createTempDirectory("strata-mariadb-");
        Path data = dir.resolve("data");
        List<String> user = isRoot() ? List.of("--user=root") : List.of();
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        install.addAll(user);
        run(install);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("mariadbd", "--no-defaults", "--datadir=" + data,
                "--socket=" + dir.resolve("sock"), "--port=" + port, "--bind-address=127.0.0.1",
                "--pid-file=" + dir.resolve("pid"), "--log-error=" + dir.resolve("error.log"),
                "--innodb-buffer-pool-size=64M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
                "--innodb-flush-method=nosync", "--innodb-doublewrite=0"));
        cmd.addAll(user);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited: " + Files.readString(dir.resolve("error.log")));
            }
            try (Connection c = root(null)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
                    st.execute("CREATE USER '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "'");
                }
                loadReferenceSchema();
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("mariadbd did not answer in 60 s", last);
    }

    /**
     * CloudStack 4.22's own schema and rows ({@link CloudStackReference}) loaded once per JVM into
     * {@value #REFERENCE_DB} by the {@code mariadb} client (the dump has stored procedures and
     * views, which need the client's statement splitting); each test's database copies its tables.
     */
    private void loadReferenceSchema() throws Exception {
        try (Connection c = root(null); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + REFERENCE_DB);
        }
        for (Path sql : List.of(CloudStackReference.schema(), CloudStackReference.data())) {
            Process p = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + dir.resolve("sock"), "-uroot",
                    REFERENCE_DB).redirectInput(sql.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("loading " + sql + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        }
        try (Connection c = root(REFERENCE_DB); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + REFERENCE_DB + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                referenceTables.add(rs.getString(1));
            }
        }
        if (referenceTables.size() < 300) {
            throw new IllegalStateException("CloudStack's schema has only " + referenceTables.size() + " tables");
        }
    }

    /**
     * Copies the reference database's tables into {@code target}: each table's own CREATE TABLE
     * (keys, foreign keys, AUTO_INCREMENT as CloudStack left them) and its rows. Views and
     * procedures are not copied: the seeder reads and writes tables only.
     */
    private void copyReference(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET FOREIGN_KEY_CHECKS = 0");
            List<String> creates = new ArrayList<>();
            for (String t : referenceTables) {
                try (var rs = st.executeQuery("SHOW CREATE TABLE " + REFERENCE_DB + ".`" + t + "`")) {
                    rs.next();
                    creates.add(rs.getString(2));
                }
            }
            for (int i = 0; i < creates.size(); i++) {
                st.execute(creates.get(i));
                st.execute("INSERT INTO `" + referenceTables.get(i) + "` SELECT * FROM " + REFERENCE_DB + ".`"
                        + referenceTables.get(i) + "`");
            }
            st.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    Connection root(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database),
                "root", "");
    }

    /**
     * A fresh database with CloudStack's real schema and rows and (optionally) the fixture cloud;
     * without the fixture it is what {@code cloudstack-setup-databases} leaves (schema 4.0.0 only).
     */
    public DbSettings newDatabase(boolean withFixture) throws Exception {
        String name = "cloud_" + DATABASES.incrementAndGet();
        try (Connection c = root(null); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
            st.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + USER + "'@'%'");
            st.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + USER + "'@'localhost'");
        }
        try (Connection c = root(name)) {
            copyReference(c);
            if (withFixture) {
                runScript(c, "cloud-fixture.sql");
            }
        }
        return new DbSettings("127.0.0.1", port, USER, PASSWORD, name);
    }

    static void runScript(Connection c, String resource) throws IOException, SQLException {
        String text;
        try (var in = MariaDbServer.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder();
        try (Statement st = c.createStatement()) {
            for (String line : text.split("\n")) {
                if (line.strip().startsWith("--")) {
                    continue;
                }
                sb.append(line).append('\n');
                if (line.strip().endsWith(";")) {
                    st.execute(sb.toString().strip().replaceAll(";$", ""));
                    sb.setLength(0);
                }
            }
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        if (dir != null) {
            Deletion.deleteTree(dir);
        }
    }
}
