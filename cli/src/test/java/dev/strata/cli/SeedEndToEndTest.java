package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.seeder.MariaDbServer;
import dev.strata.seeder.TestBundle;
import dev.strata.seeder.config.CloudStackSecret;
import dev.strata.seeder.config.DbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata seed} as an operator runs it: db.properties with an encrypted password and the
 * key beside it, stores given as already mounted, a real MariaDB (the seeder's test fixture).
 */
@ExtendWith(MariaDbServer.class)
class SeedEndToEndTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path tmp;

    @Test
    void dryRunThenSeedThenNothingToDo() throws Exception {
        DbSettings db = MariaDbServer.get().newDatabase(true);
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("key"), "the-management-key\n");
        Files.writeString(etc.resolve("db.properties"), "db.cloud.username=" + db.user() + "\n"
                + "db.cloud.password=ENC(" + CloudStackSecret.encryptV2(db.password(), "the-management-key",
                new byte[12]) + ")\n"
                // Since 4.19 the server uses db.cloud.uri when it is set: host/port/name here lead nowhere.
                + "db.cloud.host=127.0.0.1\ndb.cloud.port=1\ndb.cloud.name=not_this_one\n"
                + "db.cloud.driver=jdbc:mysql\ndb.cloud.uri=jdbc:mysql://" + db.host() + ":" + db.port() + "/"
                + db.database() + "?useSSL=false&serverTimezone=UTC&useUnicode=true&characterEncoding=utf8\n"
                + "db.cloud.encryption.type=file\n");
        // The operator's template mirror, which the server (and so the seeder) puts in every URL.
        Files.writeString(etc.resolve("server.properties"), "http.port=8080\n"
                + "system.vm.templates.download.repository=https://mirror.test/systemvm/\n");
        Path bundle = TestBundle.write(tmp.resolve("bundle"), "4.22.0.0", 8192);
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        List<String> common = List.of("seed", "--bundle", bundle.toString(), "--db-properties",
                etc.resolve("db.properties").toString(), "--server-properties",
                etc.resolve("server.properties").toString(), "--mounted", "1=" + a, "--mounted", "2=" + b,
                "--mounted", "4=" + tmp.resolve("b"));

        assertThat(StrataCli.run(args(common, "--dry-run"))).isZero();
        assertThat(console.out()).contains("copy      systemvm-kvm-4.22.0-x86_64 -> store 1",
                "set       router.template.kvm = systemvm-kvm-4.22.0-x86_64", "planned: dry run: nothing changed",
                "(the SSVM downloads https://mirror.test/systemvm/4.22/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2)");
        assertThat(a.resolve("template")).doesNotExist();
        console.resetOut();

        assertThat(StrataCli.run(args(common, "--json"))).isZero();
        JsonNode json = new ObjectMapper().readTree(console.out());
        assertThat(json.get("status").asText()).isEqualTo("seeded");
        assertThat(json.get("seeded")).hasSize(4);
        for (JsonNode s : json.get("seeded")) {
            Path root = s.get("storeId").asLong() == 1 ? a : b;
            assertThat(root.resolve(s.get("installPath").asText().substring(1))).isRegularFile();
        }
        console.resetOut();

        assertThat(StrataCli.run(args(common, "--quiet"))).isZero();
        assertThat(console.out()).contains("up-to-date: nothing to do");
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
