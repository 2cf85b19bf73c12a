package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.seeder.store.TemplateProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Seeding a fresh cloud from a bundle: files and rows as the management server would leave them. */
@ExtendWith(MariaDbServer.class)
class SeederTest {

    @TempDir
    Path tmp;

    @Test
    void seedsEveryZoneStoreAndHypervisorInUse() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        SeedResult r = env.seed();
        assertThat(r.status()).isEqualTo("seeded");

        // zone-a (store 1): KVM x86_64 + VMware; zone-b (store 2): XenServer + KVM aarch64.
        List<Map<String, Object>> templates = env.rows("SELECT * FROM vm_template WHERE name LIKE '%4.22.0%' ORDER BY id");
        assertThat(templates).extracting(t -> t.get("name")).containsExactlyInAnyOrder(
                "systemvm-kvm-4.22.0-x86_64", "systemvm-vmware-4.22.0-x86_64", "systemvm-xenserver-4.22.0-x86_64",
                "systemvm-kvm-4.22.0-aarch64");
        for (Map<String, Object> t : templates) {
            long id = ((Number) t.get("id")).longValue();
            assertThat((String) t.get("unique_name")).matches("routing-\\d+");
            assertThat(t).containsEntry("extractable", 1L).containsEntry("update_count", 0L);
            assertThat(t).containsEntry("type", "SYSTEM").containsEntry("state", "Active")
                    .containsEntry("account_id", 1L).containsEntry("cross_zones", 1L).containsEntry("hvm", 1L)
                    .containsEntry("bits", 64L).containsEntry("public", 0L).containsEntry("featured", 0L)
                    .containsEntry("enable_password", 0L).containsEntry("deploy_as_is", false)
                    .containsEntry("display_text", t.get("name"));
            assertThat((String) t.get("checksum")).matches("[0-9a-f]{128}");
            assertThat((String) t.get("url")).startsWith("https://download.test/systemvm/4.22/");
            // cross-zone: a template_zone_ref row in every zone
            assertThat(env.count("SELECT COUNT(*) FROM template_zone_ref WHERE template_id = ?", id)).isEqualTo(4);
        }
        Map<String, Object> kvm = one(templates, "systemvm-kvm-4.22.0-x86_64");
        assertThat(kvm).containsEntry("format", "QCOW2").containsEntry("hypervisor_type", "KVM")
                .containsEntry("arch", "x86_64").containsEntry("guest_os_id", 322L)
                .containsEntry("size", TestBundle.QCOW2_VIRTUAL_SIZE);
        assertThat(one(templates, "systemvm-kvm-4.22.0-aarch64")).containsEntry("arch", "aarch64");
        assertThat(one(templates, "systemvm-vmware-4.22.0-x86_64")).containsEntry("format", "OVA").containsEntry("guest_os_id", 99L);
        assertThat(one(templates, "systemvm-xenserver-4.22.0-x86_64")).containsEntry("format", "VHD")
                .containsEntry("hypervisor_type", "XenServer");

        // template_store_ref: one Ready row per (store, template); files at install_path
        List<Map<String, Object>> refs = env.rows("SELECT * FROM template_store_ref ORDER BY store_id, template_id");
        assertThat(refs).hasSize(4);
        for (Map<String, Object> ref : refs) {
            assertThat(ref).containsEntry("store_role", "Image").containsEntry("state", "Ready")
                    .containsEntry("download_state", "DOWNLOADED").containsEntry("download_pct", 100L);
            long storeId = ((Number) ref.get("store_id")).longValue();
            long id = ((Number) ref.get("template_id")).longValue();
            String installPath = (String) ref.get("install_path");
            assertThat(installPath).matches("/template/tmpl/1/" + id + "/[0-9a-f-]{36}\\.(qcow2|ova|vhd)");
            Path root = storeId == 1 ? env.storeA : env.storeB;
            Path file = root.resolve(installPath.substring(1));
            assertThat(file).isRegularFile();
            Path props = file.resolveSibling("template.properties");
            String text = Files.readString(props);
            long[] sizes = TemplateProperties.sizes(text);
            assertThat(((Number) ref.get("physical_size")).longValue()).isEqualTo(sizes[0]).isEqualTo(Files.size(file));
            assertThat(((Number) ref.get("size")).longValue()).isEqualTo(sizes[1]);
            assertThat(text).contains("id=" + id + "\n", "uniquename=routing-" + id + "\n", "public=true\n",
                    "filename=" + file.getFileName() + "\n");
        }
        // KVM: the qcow2 is stored uncompressed, virtual size from its header
        String kvmPath = (String) env.value("SELECT install_path FROM template_store_ref WHERE template_id = ?", kvm.get("id"));
        Path kvmFile = env.storeA.resolve(kvmPath.substring(1));
        String kvmProps = Files.readString(kvmFile.resolveSibling("template.properties"));
        String ext = "qcow2";
        assertThat(kvmProps.lines().toList()).containsExactly(
                "filename=" + kvmFile.getFileName(), "description=SystemVM Template ( kvm )", "hvm=false",
                "size=" + Files.size(kvmFile), ext + "=true", "id=" + kvm.get("id"), "public=true",
                ext + ".filename=" + kvmFile.getFileName(), "uniquename=routing-" + kvm.get("id"),
                ext + ".virtualsize=" + TestBundle.QCOW2_VIRTUAL_SIZE, "virtualsize=" + TestBundle.QCOW2_VIRTUAL_SIZE,
                ext + ".size=" + Files.size(kvmFile));
        assertThat(Files.readAllBytes(kvmFile)).startsWith(0x51, 0x46, 0x49, (byte) 0xfb);
        // VMware: the OVA and its members side by side
        long vmwareId = ((Number) one(templates, "systemvm-vmware-4.22.0-x86_64").get("id")).longValue();
        try (Stream<Path> s = Files.list(env.storeA.resolve("template/tmpl/1/" + vmwareId))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.endsWith(".ova"))
                    .contains("systemvmtemplate-4.22.0-vmware.ovf", "systemvmtemplate-4.22.0-vmware.mf",
                            "systemvmtemplate-4.22.0-vmware-disk1.vmdk", "template.properties");
        }
        // Nothing but template folders: no staging, no journals left.
        try (Stream<Path> s = Files.list(env.storeA.resolve("template/tmpl/1"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.matches("\\d+"));
        }

        // Settings follow; zone pin removed; system VMs moved; Hyper-V (not in use) refreshed only.
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.kvm'"))
                .isEqualTo("systemvm-kvm-4.22.0-x86_64");
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.vmware'"))
                .isEqualTo("systemvm-vmware-4.22.0-x86_64");
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.xenserver'"))
                .isEqualTo("systemvm-xenserver-4.22.0-x86_64");
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'router.template.hyperv'"))
                .isEqualTo("SystemVM Template (HyperV)");
        assertThat(env.value("SELECT value FROM configuration WHERE name = 'minreq.sysvmtemplate.version'"))
                .isEqualTo("4.22.0");
        // Zone-level overrides are the operator's: every one survives, as the server leaves them.
        assertThat(env.rows("SELECT dc_id, name, value FROM data_center_details ORDER BY id")).containsExactly(
                Map.of("dc_id", 1L, "name", "router.template.kvm", "value", "zone-a-pinned-template"),
                Map.of("dc_id", 4L, "name", "router.template.kvm", "value", "zone-empty-pinned-template"),
                Map.of("dc_id", 2L, "name", "minreq.sysvmtemplate.version", "value", "4.20.0"));
        // Every non-User VM of a hypervisor moves (routers, SSVM, CPVM, internal LB, elastic LB/IP,
        // NetScaler); user VMs stay.
        Object vmware = one(templates, "systemvm-vmware-4.22.0-x86_64").get("id");
        Object xen = one(templates, "systemvm-xenserver-4.22.0-x86_64").get("id");
        assertThat(env.rows("SELECT id, vm_template_id FROM vm_instance ORDER BY id")).containsExactly(
                Map.of("id", 1L, "vm_template_id", kvm.get("id")), Map.of("id", 2L, "vm_template_id", kvm.get("id")),
                Map.of("id", 3L, "vm_template_id", 204L), Map.of("id", 4L, "vm_template_id", kvm.get("id")),
                Map.of("id", 5L, "vm_template_id", kvm.get("id")), Map.of("id", 6L, "vm_template_id", kvm.get("id")),
                Map.of("id", 7L, "vm_template_id", kvm.get("id")), Map.of("id", 8L, "vm_template_id", vmware),
                Map.of("id", 9L, "vm_template_id", vmware), Map.of("id", 10L, "vm_template_id", xen),
                Map.of("id", 11L, "vm_template_id", 205L));
        Map<String, Object> hyperv = env.rows("SELECT url, checksum, guest_os_id FROM vm_template WHERE id = 16").get(0);
        assertThat((String) hyperv.get("url")).endsWith("systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip");
        assertThat((String) hyperv.get("checksum")).matches("[0-9a-f]{128}");
        assertThat(hyperv.get("guest_os_id")).isEqualTo(322L);
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref WHERE template_id = 16")).isZero();
        // S3 (REGION scope, no zone): the KVM x86_64 template is registered (shared), the SSVM downloads it.
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref WHERE store_id = 3")).isZero();
        // Stores in zones without clusters, removed and read-only stores are left alone.
        assertThat(env.storeEmpty.resolve("template")).doesNotExist();
    }

    /**
     * The server's next registerTemplate after seeding: VMTemplateVO's id comes from
     * sequence.vm_template_seq (GenericDaoBase + @TableGenerator: read FOR UPDATE, advance by one),
     * and its INSERT must not hit a row the seeder wrote. The sequence is set ahead of the table's
     * AUTO_INCREMENT here, so unique_name numbers and row ids differ as on a real cloud.
     */
    @Test
    void theServersNextTemplateRegistrationSucceedsAfterSeeding() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        long seqBefore = env.count("SELECT value FROM sequence WHERE name = 'vm_template_seq'");
        env.seed();
        List<Map<String, Object>> fresh = env.rows("SELECT id, unique_name FROM vm_template WHERE name LIKE '%4.22.0%' "
                + "ORDER BY id");
        assertThat(fresh).extracting(r -> r.get("unique_name")).containsExactly("routing-" + seqBefore,
                "routing-" + (seqBefore + 1), "routing-" + (seqBefore + 2), "routing-" + (seqBefore + 3));
        long seqAfter = env.count("SELECT value FROM sequence WHERE name = 'vm_template_seq'");
        assertThat(seqAfter).isEqualTo(seqBefore + 4);
        registerTemplateAsTheServerDoes(env); // no "Duplicate entry ... for key 'PRIMARY'"

        SeedEnv ahead = SeedEnv.create(tmp.resolve("ahead"), "4.22.0.0");
        ahead.execute("UPDATE sequence SET value = 300 WHERE name = 'vm_template_seq'");
        ahead.seed();
        assertThat(ahead.rows("SELECT unique_name FROM vm_template WHERE name LIKE '%4.22.0%' ORDER BY id"))
                .extracting(r -> r.get("unique_name")).containsExactly("routing-300", "routing-301", "routing-302",
                        "routing-303");
        assertThat(ahead.count("SELECT value FROM sequence WHERE name = 'vm_template_seq'")).isEqualTo(304);
        registerTemplateAsTheServerDoes(ahead);
    }

    static void registerTemplateAsTheServerDoes(SeedEnv env) throws Exception {
        try (var c = env.connect()) {
            c.setAutoCommit(false);
            long id;
            try (var ps = c.prepareStatement("SELECT value FROM sequence WHERE name = 'vm_template_seq' FOR UPDATE");
                 var rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            try (var ps = c.prepareStatement("UPDATE sequence SET value = value + 1 WHERE name = 'vm_template_seq'")) {
                ps.executeUpdate();
            }
            c.commit();
            try (var ps = c.prepareStatement("INSERT INTO vm_template (id, unique_name, name, uuid, public, featured, "
                    + "type, hvm, bits, url, format, created, account_id, display_text, guest_os_id, cross_zones, "
                    + "extractable, hypervisor_type, state, update_count) VALUES (?, ?, 'registered by a user', UUID(), "
                    + "1, 0, 'USER', 1, 64, 'https://example.test/x.qcow2', 'QCOW2', UTC_TIMESTAMP(), 2, 'x', 322, 0, "
                    + "1, 'KVM', 'NotUploaded', 0)")) {
                ps.setLong(1, id);
                ps.setString(2, UUID.randomUUID().toString());
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    @Test
    void systemVmsMoveEvenWhenTheSettingAlreadyNamesTheTemplate() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        // As older upgrade guides tell operators: set router.template.* before the templates exist.
        env.execute("UPDATE configuration SET value = 'systemvm-kvm-4.22.0-x86_64' WHERE name = 'router.template.kvm'");
        env.execute("UPDATE configuration SET value = 'systemvm-vmware-4.22.0-x86_64' WHERE name = 'router.template.vmware'");
        env.seed();
        long kvm = env.count("SELECT id FROM vm_template WHERE name = 'systemvm-kvm-4.22.0-x86_64'");
        long vmware = env.count("SELECT id FROM vm_template WHERE name = 'systemvm-vmware-4.22.0-x86_64'");
        assertThat(env.rows("SELECT id FROM vm_instance WHERE type <> 'User' AND hypervisor_type = 'KVM' "
                + "AND vm_template_id <> ?", kvm)).isEmpty();
        assertThat(env.rows("SELECT id FROM vm_instance WHERE type <> 'User' AND hypervisor_type = 'VMware' "
                + "AND vm_template_id <> ?", vmware)).isEmpty();
        assertThat(env.count("SELECT COUNT(*) FROM vm_instance WHERE type = 'User' AND vm_template_id IN (204, 205)"))
                .isEqualTo(2);
    }

    @Test
    void aMissingMinreqRowIsFoundBeforeAnyCopy() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("DELETE FROM configuration WHERE name = 'minreq.sysvmtemplate.version'");
        String before = env.snapshot();
        org.assertj.core.api.Assertions.assertThatThrownBy(env::seed).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.SCHEMA);
            assertThat(e.getMessage()).contains("minreq.sysvmtemplate.version", "nothing was changed");
        });
        assertThat(env.log).noneMatch(l -> l.startsWith("checking sha512") || l.startsWith("copying"));
        assertThat(env.storeA.resolve("template")).doesNotExist();
        assertThat(env.snapshot()).isEqualTo(before);
    }

    /** One bzip2 template for three stores: unpacked once, the other stores get a copy of the result. */
    @Test
    void aTemplateIsUnpackedOnceAndCopiedToEveryStore() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.execute("INSERT INTO host_pod_ref (id, name, uuid, data_center_id, gateway, cidr_address, cidr_size, "
                + "description) VALUES (4, 'pod-e', 'p4', 4, '10.4.0.1', '10.4.0.0', 24, '')");
        env.execute("INSERT INTO cluster (id, name, uuid, pod_id, data_center_id, hypervisor_type, cluster_type, "
                + "allocation_state, arch) VALUES (30, 'b-kvm', 'c30', 2, 2, 'KVM', 'CloudManaged', 'Enabled', 'x86_64'), "
                + "(31, 'e-kvm', 'c31', 4, 4, 'KVM', 'CloudManaged', 'Enabled', 'x86_64')");
        SeedResult r = env.seed();
        List<SeedResult.SeededTemplate> kvm = r.seeded().stream()
                .filter(s -> s.name().equals("systemvm-kvm-4.22.0-x86_64")).toList();
        assertThat(kvm).extracting(SeedResult.SeededTemplate::storeId).containsExactlyInAnyOrder(1L, 2L, 4L);
        assertThat(env.log.stream().filter(l -> l.startsWith("copying systemvm-kvm-4.22.0-x86_64"))).satisfiesExactly(
                first -> assertThat(first).doesNotContain("unpacked on the first store"),
                second -> assertThat(second).endsWith("(from the copy unpacked on the first store)"),
                third -> assertThat(third).endsWith("(from the copy unpacked on the first store)"));
        byte[] reference = null;
        for (SeedResult.SeededTemplate s : kvm) {
            Path root = s.storeId() == 1 ? env.storeA : s.storeId() == 2 ? env.storeB : env.storeEmpty;
            byte[] image = Files.readAllBytes(root.resolve(s.installPath().substring(1)));
            assertThat(image).startsWith(0x51, 0x46, 0x49, (byte) 0xfb);
            if (reference == null) {
                reference = image;
            } else {
                assertThat(image).isEqualTo(reference);
            }
        }
        assertThat(env.seed().status()).isEqualTo("up-to-date");
    }

    @Test
    void secondRunChangesNothing() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        env.seed();
        String before = env.snapshot();
        SeedResult again = env.seed();
        assertThat(again.status()).isEqualTo("up-to-date");
        assertThat(again.seeded()).isEmpty();
        assertThat(env.snapshot()).isEqualTo(before);
    }

    @Test
    void dryRunPlansAndChangesNothing() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        String before = env.snapshot();
        SeedResult r = env.dryRun();
        assertThat(r.status()).isEqualTo("planned");
        assertThat(r.plan().copies()).hasSize(4);
        assertThat(r.plan().settings()).extracting(s -> s.name()).contains("router.template.kvm",
                "minreq.sysvmtemplate.version");
        // Hyper-V (the 4.20 row, 16) and Ovm3 (data.sql's "SystemVM Template (Ovm3)", 12): not in use by
        // any cluster, so only their latest SYSTEM template's url/checksum/guest OS are refreshed.
        assertThat(r.plan().refreshes()).extracting(x -> x.templateId()).containsExactlyInAnyOrder(16L, 12L);
        assertThat(env.snapshot()).isEqualTo(before);
        assertThat(env.storeA.resolve("template")).doesNotExist();
    }

    private static Map<String, Object> one(List<Map<String, Object>> rows, String name) {
        return rows.stream().filter(r -> name.equals(r.get("name"))).findFirst().orElseThrow();
    }
}
