package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.util.regex.Pattern;

/**
 * Where the CloudStack database is and how to log in.
 *
 * @param host     server name or address
 * @param port     TCP port
 * @param user     database user
 * @param password plain password (never printed: see {@link #toString()})
 * @param database schema name, {@code cloud} unless the operator renamed it
 */
public record DbSettings(String host, int port, String user, String password, String database) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]+");

    public DbSettings {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new SeedException(SeedException.Kind.CONFIG, "database host '" + host + "' is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new SeedException(SeedException.Kind.CONFIG, "database port " + port + " is out of range");
        }
        if (user == null || user.isEmpty()) {
            throw new SeedException(SeedException.Kind.CONFIG, "database user is empty");
        }
        if (database == null || !NAME.matcher(database).matches()) {
            // The name goes into a JDBC URL: keep it to what MariaDB allows unquoted.
            throw new SeedException(SeedException.Kind.CONFIG, "database name '" + database + "' is not a plain schema name");
        }
        password = password == null ? "" : password;
    }

    /** JDBC URL for the MariaDB driver (which also speaks to MySQL). */
    public String jdbcUrl(int connectTimeoutMillis) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:mariadb://" + h + ":" + port + "/" + database + "?connectTimeout=" + connectTimeoutMillis;
    }

    public String where() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "DbSettings[" + where() + ", password=" + (password.isEmpty() ? "(none)" : "***") + "]";
    }
}
