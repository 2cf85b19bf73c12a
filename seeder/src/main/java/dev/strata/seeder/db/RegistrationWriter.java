package dev.strata.seeder.db;

import dev.strata.seeder.SeedException;
import dev.strata.seeder.SeedHooks;
import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.plan.SeedPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes every row of a run in one transaction, after the files are on the stores, with the
 * values SystemVmTemplateRegistration writes (createTemplateObjectInDB, createTemplateStoreRefEntry
 * + updateTemplateDetails, createCrossZonesTemplateZoneRefEntries, updateConfigurationParams,
 * updateSystemVMEntries, updateTemplateUrlChecksumAndGuestOsId). Rows go straight to their final
 * state (Active / DOWNLOADED / Ready): the transaction makes the server's intermediate states
 * invisible anyway.
 */
public final class RegistrationWriter {

    /** A template row to insert. */
    public record NewTemplate(long id, String uuid, BundledTemplate template, long guestOsId, Long size) {
    }

    /** A template now on a store. */
    public record StoreEntry(long templateId, long storeId, String installPath, String url, long size,
                             long physicalSize, boolean replaceExisting) {
    }

    /** A template that exists and is (re)seeded: the server marks it SYSTEM and sets its guest OS. */
    public record ExistingTemplate(long id, long guestOsId, Long size) {
    }

    /** The hypervisor's (and arch's) system VMs move to this template, as updateSystemVMEntries. */
    public record SystemVmMove(String hypervisor, String arch, long templateId) {
    }

    public record Rows(List<NewTemplate> newTemplates, List<ExistingTemplate> existing, List<Long> zoneRefsFor,
                       List<StoreEntry> storeEntries, List<SeedPlan.SettingChange> settings,
                       List<SeedPlan.MetadataRefresh> refreshes, List<SystemVmMove> systemVmMoves) {
    }

    /** The server's sequence for template ids (VMTemplateVO's @TableGenerator). */
    public static final String TEMPLATE_SEQUENCE = "vm_template_seq";

    private final CloudDatabase db;
    private final SeedHooks hooks;

    public RegistrationWriter(CloudDatabase db, SeedHooks hooks) {
        this.db = db;
        this.hooks = hooks;
    }

    public void write(Rows rows) {
        Connection c = db.connection();
        try {
            c.setAutoCommit(false);
            try {
                insertTemplates(c, rows.newTemplates(), uniqueNames(c, rows.newTemplates()));
                updateExisting(c, rows.existing());
                zoneRefs(c, rows.zoneRefsFor());
                storeRefs(c, rows.storeEntries());
                settings(c, rows);
                moveSystemVms(c, rows.systemVmMoves());
                refreshes(c, rows.refreshes());
                hooks.at(SeedHooks.Step.ROWS_WRITTEN, "");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw db.failed("write the template rows (rolled back, nothing changed)", e);
        }
        hooks.at(SeedHooks.Step.COMMITTED, "");
    }

    /**
     * {@code unique_name} numbers as the server takes them (SystemVmTemplateRegistration:
     * {@code getNextInSequence}): one value of {@code sequence.vm_template_seq} per new template,
     * and the sequence advanced past them. API registrations take their row ids from the same
     * sequence, so it is also moved past every row id this run inserts: the server's next
     * {@code registerTemplate} can never pick an id that is now taken. Row lock (FOR UPDATE) as the
     * server's sequence fetcher, inside this transaction, so a rollback gives the numbers back.
     */
    private static List<String> uniqueNames(Connection c, List<NewTemplate> templates) throws SQLException {
        List<String> names = new java.util.ArrayList<>();
        if (templates.isEmpty()) {
            return names;
        }
        long next;
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM sequence WHERE name = ? FOR UPDATE")) {
            ps.setString(1, TEMPLATE_SEQUENCE);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SeedException(SeedException.Kind.SCHEMA, "the sequence table has no row '"
                            + TEMPLATE_SEQUENCE + "'; is this a CloudStack schema?");
                }
                next = rs.getLong(1);
            }
        }
        long maxId = 0;
        for (NewTemplate t : templates) {
            names.add("routing-" + next++);
            maxId = Math.max(maxId, t.id());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sequence SET value = ? WHERE name = ?")) {
            ps.setLong(1, Math.max(next, maxId + 1));
            ps.setString(2, TEMPLATE_SEQUENCE);
            ps.executeUpdate();
        }
        return names;
    }

    private static void insertTemplates(Connection c, List<NewTemplate> templates, List<String> uniqueNames)
            throws SQLException {
        // Values as SystemVmTemplateRegistration.createTemplateObjectInDB + VMTemplateVO defaults:
        // extractable 1 (the VO's default, kept by the server), update_count 0 (the state machine
        // updates "WHERE update_count = ?": a NULL there never matches).
        String sql = "INSERT INTO vm_template (id, uuid, unique_name, name, public, featured, type, hvm, bits, url, "
                + "format, created, account_id, checksum, display_text, enable_password, enable_sshkey, guest_os_id, "
                + "bootable, prepopulate, cross_zones, extractable, hypervisor_type, sort_key, state, size, arch, "
                + "deploy_as_is, update_count) VALUES (?, ?, ?, ?, 0, 0, 'SYSTEM', 1, 64, ?, ?, UTC_TIMESTAMP(), 1, ?, ?, "
                + "0, 0, ?, 1, 0, 1, 1, ?, 0, ?, ?, ?, 0, 0)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < templates.size(); i++) {
                NewTemplate t = templates.get(i);
                BundledTemplate b = t.template();
                ps.setLong(1, t.id());
                ps.setString(2, t.uuid());
                ps.setString(3, uniqueNames.get(i));
                ps.setString(4, b.name());
                ps.setString(5, b.downloadUrl());
                ps.setString(6, b.hypervisor().imageFormat());
                ps.setString(7, b.databaseChecksum());
                ps.setString(8, b.name());
                ps.setLong(9, t.guestOsId());
                ps.setString(10, b.hypervisor().databaseName());
                // Seeded on a store: Active. Only on S3/Swift (the SSVM downloads it): still Active, as
                // the server's template sync only downloads active system templates.
                ps.setString(11, "Active");
                if (t.size() == null) {
                    ps.setNull(12, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(12, t.size());
                }
                ps.setString(13, b.arch());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void updateExisting(Connection c, List<ExistingTemplate> existing) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE vm_template SET type = 'SYSTEM', guest_os_id = ?, "
                + "state = 'Active', size = COALESCE(?, size) WHERE id = ?")) {
            for (ExistingTemplate e : existing) {
                ps.setLong(1, e.guestOsId());
                if (e.size() == null) {
                    ps.setNull(2, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(2, e.size());
                }
                ps.setLong(3, e.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** cross_zones templates get a template_zone_ref row in every zone (not removed). */
    private static void zoneRefs(Connection c, List<Long> templateIds) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO template_zone_ref (zone_id, template_id, created, "
                + "last_updated) SELECT dc.id, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM data_center dc "
                + "WHERE dc.removed IS NULL AND NOT EXISTS (SELECT 1 FROM template_zone_ref z "
                + "WHERE z.zone_id = dc.id AND z.template_id = ? AND z.removed IS NULL)")) {
            for (long id : templateIds) {
                // One statement each: INSERT ... SELECT cannot go through the driver's bulk protocol.
                ins.setLong(1, id);
                ins.setLong(2, id);
                ins.executeUpdate();
            }
        }
    }

    private static void storeRefs(Connection c, List<StoreEntry> entries) throws SQLException {
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM template_store_ref WHERE store_id = ? AND template_id = ? AND store_role = 'Image'");
             PreparedStatement ins = c.prepareStatement("INSERT INTO template_store_ref (store_id, template_id, "
                     + "created, last_updated, job_id, download_pct, size, store_role, physical_size, download_state, "
                     + "error_str, local_path, install_path, url, state, destroyed, is_copy, update_count, ref_cnt, "
                     + "updated) VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), NULL, 100, ?, 'Image', ?, "
                     + "'DOWNLOADED', NULL, NULL, ?, ?, 'Ready', 0, 0, 0, 0, UTC_TIMESTAMP())")) {
            for (StoreEntry e : entries) {
                if (e.replaceExisting()) {
                    // The server updates its one row; a half-seeded row is replaced by the finished one.
                    del.setLong(1, e.storeId());
                    del.setLong(2, e.templateId());
                    del.executeUpdate();
                }
                ins.setLong(1, e.storeId());
                ins.setLong(2, e.templateId());
                ins.setLong(3, e.size());
                ins.setLong(4, e.physicalSize());
                ins.setString(5, e.installPath());
                ins.setString(6, e.url());
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    private static void settings(Connection c, Rows rows) throws SQLException {
        try (PreparedStatement upd = c.prepareStatement("UPDATE configuration SET value = ?, updated = UTC_TIMESTAMP() "
                + "WHERE name = ?")) {
            for (SeedPlan.SettingChange s : rows.settings()) {
                upd.setString(1, s.to());
                upd.setString(2, s.name());
                if (upd.executeUpdate() != 1) {
                    throw new SeedException(SeedException.Kind.SCHEMA, "configuration has no row '" + s.name()
                            + "' to update; is the schema complete?");
                }
            }
        }
    }

    /**
     * Every system VM (every type but User: routers, SSVM, CPVM, internal LB, elastic IP/LB,
     * NetScaler VMs...) of the hypervisor moves to the template just registered, whether or not
     * a setting changed, as the server's updateSystemVMEntries on each registration. Only VMs
     * whose current template has the same arch move (an aarch64 router stays off an x86_64 image).
     */
    private static void moveSystemVms(Connection c, List<SystemVmMove> moves) throws SQLException {
        try (PreparedStatement vms = c.prepareStatement("UPDATE vm_instance v LEFT JOIN vm_template t "
                + "ON t.id = v.vm_template_id SET v.vm_template_id = ? WHERE v.type <> 'User' "
                + "AND v.hypervisor_type = ? AND v.removed IS NULL AND COALESCE(t.arch, 'x86_64') = ?")) {
            for (SystemVmMove m : moves) {
                vms.setLong(1, m.templateId());
                vms.setString(2, m.hypervisor());
                vms.setString(3, m.arch());
                vms.executeUpdate();
            }
        }
    }

    private static void refreshes(Connection c, List<SeedPlan.MetadataRefresh> refreshes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE vm_template SET url = ?, checksum = ?, guest_os_id = ? WHERE id = ?")) {
            for (SeedPlan.MetadataRefresh r : refreshes) {
                ps.setString(1, r.template().downloadUrl());
                ps.setString(2, r.template().databaseChecksum());
                ps.setLong(3, r.guestOsId());
                ps.setLong(4, r.templateId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The server rolls back an open transaction when the session ends.
        }
    }
}
