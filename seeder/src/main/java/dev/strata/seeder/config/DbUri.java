package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code db.cloud.uri} as the management server reads it since 4.19: a JDBC URL,
 * {@code jdbc:mysql://host[:port][,host2[:port]...]/database[?key=value&...]} (also
 * {@code jdbc:mariadb:}). The query holds the driver properties (useSSL, serverTimezone, ...),
 * which are passed on to the connection; {@code user}/{@code password} in it are refused, since
 * the server takes the login from db.cloud.username/password. With several hosts (the server's
 * load-balanced form) the first is used: the seeder needs one connection, and its lock is
 * global to the cluster.
 *
 * @param host     first host
 * @param port     its port (3306 when absent)
 * @param database schema name
 * @param params   driver properties, decoded, in order
 */
public record DbUri(String host, int port, String database, Map<String, String> params) {

    private static final Pattern URI = Pattern.compile(
            "jdbc:(?:mysql|mariadb)(?::[a-z]+)?://([^/?#]+)/([^/?#]+)(?:\\?([^#]*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+)(?::(\\d{1,5}))?");

    /** @param where names the source in errors (file and key) */
    public static DbUri parse(String text, String where) {
        Matcher m = URI.matcher(text.strip());
        if (!m.matches()) {
            throw new SeedException(SeedException.Kind.CONFIG, where + " '" + text + "' is not a JDBC URL of the form "
                    + "jdbc:mysql://host[:port]/database[?key=value&...]");
        }
        String first = m.group(1).split(",")[0].strip();
        Matcher hp = HOST_PORT.matcher(first);
        if (!hp.matches()) {
            throw new SeedException(SeedException.Kind.CONFIG, where + ": host '" + first + "' is not host[:port]");
        }
        String host = hp.group(1).startsWith("[") ? hp.group(1).substring(1, hp.group(1).length() - 1) : hp.group(1);
        int port = hp.group(2) == null ? 3306 : Integer.parseInt(hp.group(2));
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(3) != null && !m.group(3).isEmpty()) {
            for (String pair : m.group(3).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equalsIgnoreCase("user") || k.equalsIgnoreCase("password")) {
                    throw new SeedException(SeedException.Kind.CONFIG, where + " carries '" + k + "': the login "
                            + "belongs in db.cloud.username / db.cloud.password");
                }
                params.put(k, v);
            }
        }
        String database = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        try {
            new DbSettings(host, port, "check", "", database, params);
        } catch (SeedException e) {
            throw new SeedException(SeedException.Kind.CONFIG, where + ": " + e.getMessage());
        }
        return new DbUri(host, port, database, java.util.Collections.unmodifiableMap(params));
    }

    public DbSettings settings(String user, String password) {
        return new DbSettings(host, port, user, password, database, params);
    }
}
