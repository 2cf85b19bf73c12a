package dev.strata.seeder.db;

import dev.strata.seeder.SeedException;
import dev.strata.seeder.bundle.SystemVmHypervisor;
import dev.strata.seeder.config.DbSettings;
import dev.strata.seeder.store.ImageStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CloudStack {@code cloud} schema as the seeder reads it: one connection for the whole run,
 * which also holds the management server's upgrade lock.
 */
public final class CloudDatabase implements AutoCloseable {

    /** GlobalLock name SystemVmTemplateRegistration and the schema upgrade take (GET_LOCK). */
    public static final String UPGRADE_LOCK = "UpgradeDatabase-Lock";
    public static final String MIN_REQ_SETTING = "minreq.sysvmtemplate.version";
    public static final String NFS_VERSION_SETTING = "secstorage.nfs.version";

    /** Columns the seeder writes, with the release that added the newest of them (arch: 4.20). */
    private static final Map<String, List<String>> REQUIRED_COLUMNS = Map.of(
            "vm_template", List.of("id", "uuid", "unique_name", "name", "type", "url", "checksum", "format",
                    "guest_os_id", "hypervisor_type", "arch", "state", "size", "deploy_as_is", "cross_zones", "removed"),
            "template_store_ref", List.of("store_id", "template_id", "install_path", "url", "store_role",
                    "download_state", "download_pct", "size", "physical_size", "state"),
            "template_zone_ref", List.of("zone_id", "template_id", "created", "last_updated", "removed"),
            "image_store", List.of("id", "name", "url", "protocol", "image_provider_name", "data_center_id", "role",
                    "removed"),
            "cluster", List.of("data_center_id", "hypervisor_type", "arch", "removed"),
            "configuration", List.of("name", "value"));

    private final Connection connection;
    private final DbSettings settings;
    private boolean locked;

    private CloudDatabase(Connection connection, DbSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    public static CloudDatabase connect(DbSettings settings, int connectTimeoutMillis) {
        try {
            Connection c = DriverManager.getConnection(settings.jdbcUrl(connectTimeoutMillis), settings.user(),
                    settings.password());
            return new CloudDatabase(c, settings);
        } catch (SQLInvalidAuthorizationSpecException e) {
            throw new SeedException(SeedException.Kind.DATABASE_UNREACHABLE, "the database at " + settings.where()
                    + " refused the login: " + e.getMessage() + "; check db.cloud.username/password (and the key)", e);
        } catch (SQLException e) {
            String what = e.getErrorCode() == 1049 ? "has no schema '" + settings.database() + "'" : "cannot be reached";
            throw new SeedException(e.getErrorCode() == 1049 ? SeedException.Kind.SCHEMA
                    : SeedException.Kind.DATABASE_UNREACHABLE, "the database at " + settings.where() + " " + what + ": "
                    + e.getMessage() + "; is MariaDB/MySQL running, and are db.cloud.host/port right?", e);
        }
    }

    public Connection connection() {
        return connection;
    }

    /** Waits up to {@code seconds} for the upgrade lock; false when another holder keeps it. */
    public boolean lock(int seconds) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(GET_LOCK(?, ?), 0)")) {
            ps.setString(1, UPGRADE_LOCK);
            ps.setInt(2, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                locked = rs.next() && rs.getInt(1) == 1;
                return locked;
            }
        } catch (SQLException e) {
            throw failed("take the upgrade lock", e);
        }
    }

    public void unlock() {
        if (!locked) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, UPGRADE_LOCK);
            ps.executeQuery().close();
            locked = false;
        } catch (SQLException e) {
            throw failed("release the upgrade lock", e);
        }
    }

    /** Newest completed schema version ({@code version} table), or fails if this is not a CloudStack schema. */
    public String schemaVersion() {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT version FROM version WHERE step = 'Complete' ORDER BY id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SeedException(SeedException.Kind.SCHEMA, settings.where() + " has no completed schema "
                        + "version: is cloudstack-setup-databases finished?");
            }
            return rs.getString(1).strip();
        } catch (SQLException e) {
            throw new SeedException(SeedException.Kind.SCHEMA, settings.where() + " is not a CloudStack database "
                    + "(no version table: " + e.getMessage() + "); check db.cloud.name", e);
        }
    }

    /** Names of required tables/columns this schema lacks. */
    public List<String> missingColumns() {
        Map<String, Set<String>> have = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                have.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getString(2));
            }
        } catch (SQLException e) {
            throw failed("read the schema's columns", e);
        }
        List<String> missing = new ArrayList<>();
        REQUIRED_COLUMNS.forEach((table, columns) -> {
            for (String c : columns) {
                if (!have.getOrDefault(table, Set.of()).contains(c)) {
                    missing.add(table + "." + c);
                }
            }
        });
        missing.sort(null);
        return missing;
    }

    public Inventory inventory(String schemaVersion) {
        try {
            List<Zone> zones = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT id, name FROM data_center WHERE removed IS NULL ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    zones.add(new Zone(rs.getLong(1), rs.getString(2)));
                }
            }
            Map<String, String> settings = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT name, value FROM configuration WHERE name LIKE 'router.template.%' OR name = ? OR name = ?")) {
                ps.setString(1, MIN_REQ_SETTING);
                ps.setString(2, NFS_VERSION_SETTING);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        settings.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
                    }
                }
            }
            Map<Long, Map<String, String>> details = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT store_id, name, value FROM image_store_details");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    details.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
            boolean hasReadonly = !readonlyColumnMissing();
            List<ImageStore> stores = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT id, name, data_center_id, url, protocol, image_provider_name"
                            + (hasReadonly ? ", readonly" : ", 0")
                            + " FROM image_store WHERE role = 'Image' AND removed IS NULL ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long zone = rs.getLong(3);
                    Long zoneId = rs.wasNull() ? null : zone;
                    // SystemVmTemplateRegistration.getNfsVersion: store detail first, then the global setting.
                    String nfs = details.getOrDefault(id, Map.of()).get(NFS_VERSION_SETTING);
                    if (nfs == null) {
                        nfs = settings.get(NFS_VERSION_SETTING);
                    }
                    stores.add(new ImageStore(id, rs.getString(2), zoneId, rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getBoolean(7), nfs == null || nfs.isBlank() ? null : nfs));
                }
            }
            Map<Long, Set<HypervisorArch>> inUse = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT DISTINCT data_center_id, hypervisor_type, arch FROM cluster "
                            + "WHERE removed IS NULL AND hypervisor_type IS NOT NULL AND hypervisor_type <> 'External' "
                            + "ORDER BY data_center_id, hypervisor_type, arch");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<SystemVmHypervisor> hv = SystemVmHypervisor.fromDatabaseName(rs.getString(2));
                    if (hv.isEmpty()) {
                        continue; // BareMetal, Simulator, ...: no system VM template exists for them.
                    }
                    String arch = rs.getString(3) == null || rs.getString(3).isBlank() ? "x86_64" : rs.getString(3);
                    inUse.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(new HypervisorArch(hv.get(), arch));
                }
            }
            return new Inventory(schemaVersion, zones, stores, inUse, settings);
        } catch (SQLException e) {
            throw failed("read zones, stores and clusters", e);
        }
    }

    private boolean readonlyColumnMissing() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
                        + "AND table_name = 'image_store' AND column_name = 'readonly'");
             ResultSet rs = ps.executeQuery()) {
            return !rs.next() || rs.getInt(1) == 0;
        }
    }

    /**
     * The template the server would treat as this one (SystemVmTemplateRegistration.getRegisteredTemplate):
     * latest by name, hypervisor and arch; else an active SYSTEM template whose URL ends in the same file name.
     */
    public Optional<TemplateRow> registeredTemplate(String name, SystemVmHypervisor hv, String arch, String url) {
        Optional<TemplateRow> byName = oneTemplate("name = ? AND hypervisor_type = ? AND arch = ? AND removed IS NULL",
                name, hv.databaseName(), arch);
        if (byName.isPresent() || url == null || url.isBlank()) {
            return byName;
        }
        String fileName = url.substring(url.lastIndexOf('/') + 1);
        return oneTemplate("type = 'SYSTEM' AND state = 'Active' AND hypervisor_type = ? AND arch = ? "
                + "AND removed IS NULL AND SUBSTRING_INDEX(url, '/', -1) = ?", hv.databaseName(), arch, fileName);
    }

    /** Newest SYSTEM template of a hypervisor and arch (for metadata-only updates). */
    public Optional<TemplateRow> latestSystemTemplate(SystemVmHypervisor hv, String arch) {
        return oneTemplate("type = 'SYSTEM' AND hypervisor_type = ? AND arch = ? AND removed IS NULL",
                hv.databaseName(), arch);
    }

    private Optional<TemplateRow> oneTemplate(String where, String... args) {
        String sql = "SELECT id, uuid, name, type, url, checksum, guest_os_id, state FROM vm_template WHERE " + where
                + " ORDER BY id DESC LIMIT 1";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TemplateRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8)));
            }
        } catch (SQLException e) {
            throw failed("look up system VM templates", e);
        }
    }

    public Optional<StoreRefRow> storeRef(long storeId, long templateId) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id, store_id, template_id, install_path, state FROM template_store_ref "
                        + "WHERE store_id = ? AND template_id = ? AND store_role = 'Image' ORDER BY id DESC LIMIT 1")) {
            ps.setLong(1, storeId);
            ps.setLong(2, templateId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoreRefRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5)));
            }
        } catch (SQLException e) {
            throw failed("look up template_store_ref", e);
        }
    }

    /** {@code guest_os.id} by display name (GuestOSDao.findOneByDisplayName), if present. */
    public Optional<Long> guestOsId(String displayName) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id FROM guest_os WHERE display_name = ? AND removed IS NULL ORDER BY id LIMIT 1")) {
            ps.setString(1, displayName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("look up guest_os", e);
        }
    }

    /**
     * The id the next new template gets: above both the highest id and the table's AUTO_INCREMENT,
     * as the server's getNextInSequence would hand out.
     */
    public long nextTemplateId(long atLeast) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT GREATEST(COALESCE((SELECT MAX(id) FROM vm_template), 0) + 1, "
                        + "COALESCE((SELECT AUTO_INCREMENT FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE() AND table_name = 'vm_template'), 1))");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Math.max(rs.getLong(1), atLeast);
        } catch (SQLException e) {
            throw failed("choose a template id", e);
        }
    }

    SeedException failed(String doing, SQLException e) {
        if (e instanceof SQLNonTransientConnectionException) {
            return new SeedException(SeedException.Kind.DATABASE_UNREACHABLE, "lost the database at " + settings.where()
                    + " while trying to " + doing + ": " + e.getMessage(), e);
        }
        return new SeedException(SeedException.Kind.SCHEMA, "cannot " + doing + " in " + settings.where() + ": "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close(); // also frees the GET_LOCK lock
        } catch (SQLException ignored) {
            // closing is best effort: the server drops the session and its lock anyway
        }
    }
}
