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
        dir = Files.createTempDirectory("strata-mariadb-");
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
                "--innodb-buffer-pool-size=32M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=2"));
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
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("mariadbd did not answer in 60 s", last);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    Connection root(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database),
                "root", "");
    }

    /** A fresh database with the test schema and (optionally) the fixture cloud; settings for the cloud user. */
    public DbSettings newDatabase(boolean withFixture) throws Exception {
        String name = "cloud_" + DATABASES.incrementAndGet();
        try (Connection c = root(null); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
            st.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + USER + "'@'%'");
            st.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + USER + "'@'localhost'");
        }
        try (Connection c = root(name)) {
            runScript(c, "cloudstack-schema.sql");
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
