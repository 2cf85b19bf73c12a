package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the {@code cloud} database settings from CloudStack's
 * {@code /etc/cloudstack/management/db.properties}: {@code db.cloud.host}, {@code .port},
 * {@code .username}, {@code .password}, {@code .name} (or {@code db.cloud.uri}, which wins when set,
 * as in the server since 4.19), and {@code db.cloud.encryption.type}
 * ({@code none}, {@code file}: the key is the first line of {@code key} beside db.properties,
 * {@code env}: the key is {@code CLOUD_SECRET_KEY}, {@code web}: the key is typed in at start-up,
 * which a package script cannot do, so {@code --key-file} must supply it).
 */
public final class DbPropertiesReader {

    public static final Path DEFAULT = Path.of("/etc/cloudstack/management/db.properties");
    public static final String KEY_ENV = "CLOUD_SECRET_KEY";

    private DbPropertiesReader() {
    }

    /**
     * @param file    db.properties
     * @param keyFile the management server key, or null to follow {@code db.cloud.encryption.type}
     * @param env     the environment (for {@code CLOUD_SECRET_KEY})
     */
    public static DbSettings read(Path file, Path keyFile, Map<String, String> env) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "no " + file + ": run cloudstack-setup-databases "
                    + "first, or give --db-host/--db-user/--db-password-file");
        } catch (AccessDeniedException e) {
            throw new SeedException(SeedException.Kind.PERMISSION, "cannot read " + file + ": permission denied; run as root");
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "cannot read " + file + ": " + e.getMessage(), e);
        }
        String host = p.getProperty("db.cloud.host", "localhost").strip();
        String portText = p.getProperty("db.cloud.port", "3306").strip();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new SeedException(SeedException.Kind.CONFIG, file + ": db.cloud.port '" + portText + "' is not a number");
        }
        String user = p.getProperty("db.cloud.username", "cloud").strip();
        String password = p.getProperty("db.cloud.password", "").strip();
        String name = p.getProperty("db.cloud.name", "cloud").strip();
        if (CloudStackSecret.isEncrypted(password)) {
            password = CloudStackSecret.decrypt(password, secretKey(file, p, keyFile, env));
        }
        String uri = p.getProperty("db.cloud.uri", "").strip();
        if (!uri.isEmpty()) {
            // Since 4.19 the server connects to db.cloud.uri when it is set, instead of host/port/name.
            return DbUri.parse(uri, file + ": db.cloud.uri").settings(user, password);
        }
        return new DbSettings(host, port, user, password, name);
    }

    private static String secretKey(Path file, Properties p, Path keyFile, Map<String, String> env) {
        String type = p.getProperty("db.cloud.encryption.type", "none").strip();
        if (keyFile == null && type.equals("env")) {
            String key = env.get(KEY_ENV);
            if (key == null || key.isEmpty()) {
                throw new SeedException(SeedException.Kind.CONFIG, file + " says db.cloud.encryption.type=env but "
                        + KEY_ENV + " is not set: export it, or give --key-file");
            }
            return key;
        }
        if (keyFile == null && type.equals("web")) {
            throw new SeedException(SeedException.Kind.CONFIG, file + " says db.cloud.encryption.type=web: the key is "
                    + "typed in at management server start; give it with --key-file");
        }
        Path key = keyFile != null ? keyFile : file.resolveSibling("key");
        try {
            String first = Files.readAllLines(key, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new SeedException(SeedException.Kind.CONFIG, "the management server key " + key + " is empty");
            }
            return first;
        } catch (NoSuchFileException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "the database password in " + file
                    + " is encrypted but the key " + key + " does not exist: give --key-file");
        } catch (AccessDeniedException e) {
            throw new SeedException(SeedException.Kind.PERMISSION, "cannot read the key " + key + ": permission denied; run as root");
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "cannot read the key " + key + ": " + e.getMessage(), e);
        }
    }
}
