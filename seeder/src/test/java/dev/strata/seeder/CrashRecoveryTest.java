package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seeder runs in its own JVM and is killed with SIGKILL at each step of a run (mid-copy,
 * staged, journaled, published, inside the open transaction, after commit). Each time the store
 * and database must hold nothing or complete templates, and the next run must finish the job and
 * leave exactly what an uninterrupted run leaves.
 */
@ExtendWith(MariaDbServer.class)
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SeedHooks.Step.class)
    void killedAtAnyStepLeavesNothingHalfDoneAndTheNextRunCompletes(SeedHooks.Step step) throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        String before = env.snapshot();

        Process child = startChild(env, step);
        String line = waitForPause(child);
        assertThat(line).isEqualTo("PAUSED " + step);
        child.destroyForcibly(); // SIGKILL: no finally blocks, no shutdown hooks
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // Right after the kill: complete template folders only (each with template.properties).
        for (Path store : List.of(env.storeA, env.storeB)) {
            for (Path dir : templateDirs(store)) {
                assertThat(dir.resolve("template.properties")).as("complete folder %s", dir).isRegularFile();
            }
        }
        long refs = env.count("SELECT COUNT(*) FROM template_store_ref");
        if (step == SeedHooks.Step.COMMITTED || step == SeedHooks.Step.PUBLISHED) {
            assertThat(refs).isEqualTo(4); // committed before the kill
        } else {
            assertThat(env.snapshot()).as("database untouched before commit").isEqualTo(before);
        }

        // The next run finishes (or finds the work committed) and cleans every leftover.
        SeedResult next = env.seed();
        assertThat(next.status()).isIn("seeded", "up-to-date");
        // every kill point leaves a staging folder or a journal, which this run must have dealt with
        assertThat(next.recovered()).isNotEmpty();
        assertThat(env.count("SELECT COUNT(*) FROM template_store_ref")).isEqualTo(4);
        assertThat(env.count("SELECT COUNT(*) FROM vm_template WHERE name LIKE '%4.22.0%'")).isEqualTo(4);
        for (Path store : List.of(env.storeA, env.storeB)) {
            try (Stream<Path> s = Files.list(store.resolve("template/tmpl/1"))) {
                List<String> names = s.map(p -> p.getFileName().toString()).toList();
                assertThat(names).as("only template folders on %s", store).allMatch(n -> n.matches("\\d+"));
                assertThat(names).hasSize(2);
            }
            // every folder on the store is one the database points at
            for (Path dir : templateDirs(store)) {
                assertThat(env.count("SELECT COUNT(*) FROM template_store_ref WHERE template_id = ? AND install_path LIKE ?",
                        Long.parseLong(dir.getFileName().toString()), "/template/tmpl/1/" + dir.getFileName() + "/%"))
                        .isEqualTo(1);
            }
        }
        assertThat(env.seed().status()).isEqualTo("up-to-date");
    }

    /**
     * A run killed before its commit, then the management server's own registration (its upgrade
     * path): it takes the next row id from AUTO_INCREMENT and unique_name from vm_template_seq, and
     * fails with "Data already exists at destination" if template/tmpl/1/&lt;id&gt; exists. The
     * killed run must have left nothing there, and the next seeder run must not touch what the
     * server wrote.
     */
    @ParameterizedTest
    @EnumSource(value = SeedHooks.Step.class, names = {"COPY_HALFWAY", "STAGED", "JOURNALED", "ROWS_WRITTEN"})
    void aKilledRunLeavesNothingInTheServersWay(SeedHooks.Step step) throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Process child = startChild(env, step);
        assertThat(waitForPause(child)).isEqualTo("PAUSED " + step);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        long nextRowId = env.count("SELECT AUTO_INCREMENT FROM information_schema.tables "
                + "WHERE table_schema = DATABASE() AND table_name = 'vm_template'");
        long seq = env.count("SELECT value FROM sequence WHERE name = 'vm_template_seq'");
        for (Path store : List.of(env.storeA, env.storeB)) {
            assertThat(templateDirs(store)).as("no folder named by an id on %s", store).isEmpty();
            // nor under any id an operator's cloud-install-sys-tmplt -t <id> would take next
            assertThat(store.resolve("template/tmpl/1/" + nextRowId)).doesNotExist();
            assertThat(store.resolve("template/tmpl/1/" + seq)).doesNotExist();
        }
        // The server registers KVM itself (SystemVmTemplateRegistration, its upgrade path).
        Path serverDir = env.storeA.resolve("template/tmpl/1/" + nextRowId);
        Files.createDirectories(serverDir.getParent());
        Files.createDirectory(serverDir); // fails if anything is there: "Data already exists at destination"
        Files.writeString(serverDir.resolve("server.qcow2"), "the server's copy");
        Files.writeString(serverDir.resolve("template.properties"), "filename=server.qcow2\n");
        env.execute("INSERT INTO vm_template (id, uuid, unique_name, name, public, featured, type, hvm, bits, url, "
                + "format, created, account_id, checksum, display_text, enable_password, guest_os_id, cross_zones, "
                + "extractable, hypervisor_type, state, update_count, size, arch) VALUES (?, UUID(), ?, "
                + "'systemvm-kvm-4.22.0-x86_64', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/k', 'QCOW2', "
                + "UTC_TIMESTAMP(), 1, NULL, 'systemvm-kvm-4.22.0-x86_64', 0, 322, 1, 1, 'KVM', 'Active', 0, 1, "
                + "'x86_64')", nextRowId, "routing-" + seq);
        env.execute("UPDATE sequence SET value = value + 1 WHERE name = 'vm_template_seq'");
        env.execute("INSERT INTO template_store_ref (store_id, template_id, created, download_pct, size, store_role, "
                + "physical_size, download_state, install_path, url, state, update_count) VALUES (1, ?, "
                + "UTC_TIMESTAMP(), 100, 1, 'Image', 1, 'DOWNLOADED', ?, 'https://download.test/k', 'Ready', 0)",
                nextRowId, "/template/tmpl/1/" + nextRowId + "/server.qcow2");

        SeedResult next = env.seed();
        assertThat(next.status()).isEqualTo("seeded");
        assertThat(serverDir.resolve("server.qcow2")).hasContent("the server's copy");
        assertThat(next.seeded()).noneMatch(s -> s.templateId() == nextRowId && s.storeId() == 1);
        try (Stream<Path> s = Files.list(env.storeA.resolve("template/tmpl/1"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.matches("\\d+"));
        }
        SeederTest.registerTemplateAsTheServerDoes(env);
    }

    private static List<Path> templateDirs(Path store) throws Exception {
        Path folder = store.resolve("template/tmpl/1");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+")).toList();
        }
    }

    private static Process startChild(SeedEnv env, SeedHooks.Step step) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SeedChild.class.getName(), env.bundle.toString(),
                env.db.host(), Integer.toString(env.db.port()), env.db.user(), env.db.password(), env.db.database(),
                step.name()));
        env.mounted().forEach((k, v) -> cmd.add(k + "=" + v));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String waitForPause(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PAUSED") || line.startsWith("DONE")) {
                return line;
            }
        }
        return "child exited with " + child.waitFor();
    }
}
