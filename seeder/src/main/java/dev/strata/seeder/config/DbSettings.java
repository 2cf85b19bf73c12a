package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the CloudStack database is and how to log in.
 *
 * @param host     server name or address
 * @param port     TCP port
 * @param user     database user
 * @param password plain password (never printed: see {@link #toString()})
 * @param database schema name, {@code cloud} unless the operator renamed it
 * @param params   JDBC connection properties from {@code db.cloud.uri}'s query (useSSL, ...), passed on
 */
public record DbSettings(String host, int port, String user, String password, String database,
                         Map<String, String> params) {

    private static final Pattern PARAM = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]*");

    public DbSettings(String host, int port, String user, String password, String database) {
        this(host, port, user, password, database, Map.of());
    }

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
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        for (String k : params.keySet()) {
            if (!PARAM.matcher(k).matches()) {
                throw new SeedException(SeedException.Kind.CONFIG, "database URI parameter '" + k + "' is not a name");
            }
        }
    }

    /** JDBC URL for the MariaDB driver (which also speaks to MySQL). */
    public String jdbcUrl(int connectTimeoutMillis) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder url = new StringBuilder("jdbc:mariadb://" + h + ":" + port + "/" + database + "?");
        params.forEach((k, v) -> {
            if (!k.equals("connectTimeout")) {
                url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
            }
        });
        return url.append("connectTimeout=").append(connectTimeoutMillis).toString();
    }

    public String where() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    /** Same database, other login (command-line overrides). */
    public DbSettings with(String host, Integer port, String user, String password, String database) {
        return new DbSettings(host != null ? host : this.host, port != null ? port : this.port,
                user != null ? user : this.user, password != null ? password : this.password,
                database != null ? database : this.database, params);
    }

    @Override
    public String toString() {
        return "DbSettings[" + where() + ", password=" + (password.isEmpty() ? "(none)" : "***") + "]";
    }
}
