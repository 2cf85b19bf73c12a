package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.seeder.config.CloudStackSecret;
import dev.strata.seeder.config.DbPropertiesReader;
import dev.strata.seeder.config.DbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db.properties as cloudstack-setup-databases writes it, with plain and ENC(...) passwords. */
class DbPropertiesTest {

    @TempDir
    Path tmp;

    private Path props(String password, String encryptionType) throws Exception {
        Path f = tmp.resolve("db.properties");
        Files.writeString(f, "# from cloudstack-setup-databases\n"
                + "cluster.node.IP=10.0.0.2\n"
                + "db.cloud.username=cloud\n"
                + "db.cloud.password=" + password + "\n"
                + "db.cloud.host=db.example\n"
                + "db.cloud.port=3307\n"
                + "db.cloud.name=cloud\n"
                + "db.cloud.encryption.type=" + encryptionType + "\n"
                + "db.usage.password=ENC(ignored)\n");
        return f;
    }

    @Test
    void plainPassword() throws Exception {
        DbSettings s = DbPropertiesReader.read(props("s3cret", "none"), null, Map.of());
        assertThat(s).isEqualTo(new DbSettings("db.example", 3307, "cloud", "s3cret", "cloud"));
        assertThat(s.toString()).doesNotContain("s3cret");
    }

    /** Since 4.19 the server connects to db.cloud.uri when it is set: host/port/name are then ignored. */
    @Test
    void dbCloudUriWinsAndItsParametersArePassedOn() throws Exception {
        Path f = props("s3cret", "none");
        Files.writeString(f, Files.readString(f) + "db.cloud.driver=jdbc:mysql\n"
                + "db.cloud.uri=jdbc:mysql://db1.example:3310,db2.example:3311/cloud_prod?useSSL=true"
                + "&serverTimezone=UTC&connectionCollation=utf8mb4_general_ci&sessionVariables=sql_mode%3D%27%27\n");
        DbSettings s = DbPropertiesReader.read(f, null, Map.of());
        assertThat(s.host()).isEqualTo("db1.example");
        assertThat(s.port()).isEqualTo(3310);
        assertThat(s.database()).isEqualTo("cloud_prod");
        assertThat(s.user()).isEqualTo("cloud");
        assertThat(s.password()).isEqualTo("s3cret");
        assertThat(s.params()).containsExactly(Map.entry("useSSL", "true"), Map.entry("serverTimezone", "UTC"),
                Map.entry("connectionCollation", "utf8mb4_general_ci"), Map.entry("sessionVariables", "sql_mode=''"));
        assertThat(s.jdbcUrl(5000)).isEqualTo("jdbc:mariadb://db1.example:3310/cloud_prod?useSSL=true&serverTimezone=UTC"
                + "&connectionCollation=utf8mb4_general_ci&sessionVariables=sql_mode%3D%27%27&connectTimeout=5000");
    }

    @Test
    void dbCloudUriWithoutPortIpv6AndErrors() throws Exception {
        assertThat(dev.strata.seeder.config.DbUri.parse("jdbc:mysql://[fd00::5]/cloud", "x"))
                .satisfies(u -> {
                    assertThat(u.host()).isEqualTo("fd00::5");
                    assertThat(u.port()).isEqualTo(3306);
                    assertThat(u.params()).isEmpty();
                });
        for (String bad : new String[] {"mysql://db/cloud", "jdbc:mysql://db", "jdbc:mysql://db:99999/cloud",
                "jdbc:mysql://db/cloud;drop", "jdbc:mysql://db/cloud?password=x", "jdbc:postgresql://db/cloud"}) {
            Path f = props("pw", "none");
            Files.writeString(f, Files.readString(f) + "db.cloud.uri=" + bad + "\n");
            assertThatThrownBy(() -> DbPropertiesReader.read(f, null, Map.of())).as(bad)
                    .isInstanceOfSatisfying(SeedException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SeedException.Kind.CONFIG);
                        assertThat(e.getMessage()).contains("db.cloud.uri");
                    });
        }
    }

    @Test
    void aesGcmPasswordWithTheKeyFileBesideIt() throws Exception {
        String enc = CloudStackSecret.encryptV2("s3cret", "management-key", new byte[12]);
        Path f = props("ENC(" + enc + ")", "file");
        Files.writeString(tmp.resolve("key"), "management-key\n");
        assertThat(DbPropertiesReader.read(f, null, Map.of()).password()).isEqualTo("s3cret");
    }

    @Test
    void jasyptPasswordFromTheEnvironment() throws Exception {
        String enc = CloudStackSecret.encryptV1("s3cret", "env-key", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path f = props("ENC(" + enc + ")", "env");
        assertThat(DbPropertiesReader.read(f, null, Map.of("CLOUD_SECRET_KEY", "env-key")).password())
                .isEqualTo("s3cret");
    }

    /**
     * Values printed by Jasypt 1.9.3's own encrypt.sh (default StandardPBEStringEncryptor,
     * PBEWithMD5AndDES) for input "password" with password "secret", as published in a public
     * jasypt demo's README: an outside check of the V1 format, not our own round trip.
     */
    @Test
    void decryptsValuesMadeByJasyptItself() {
        assertThat(CloudStackSecret.decrypt("ENC(U0VwDbxlS/tJ3SKO39tLv7VHYVy8WiPy)", "secret")).isEqualTo("password");
        assertThat(CloudStackSecret.decrypt("b6pYDEOHlJ0BzvZ4uqm3i0Guh1lYxxFx", "secret")).isEqualTo("password");
    }

    @Test
    void wrongKeyIsOneClearError() throws Exception {
        String enc = CloudStackSecret.encryptV2("s3cret", "right", new byte[12]);
        Path f = props("ENC(" + enc + ")", "file");
        Path key = tmp.resolve("other-key");
        Files.writeString(key, "wrong\n");
        assertThatThrownBy(() -> DbPropertiesReader.read(f, key, Map.of())).isInstanceOfSatisfying(SeedException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(SeedException.Kind.CONFIG);
                    assertThat(e.getMessage()).contains("cannot decrypt", "wrong key");
                });
    }

    @Test
    void missingKeyFileSaysWhichAndWhatToDo() throws Exception {
        Path f = props("ENC(" + CloudStackSecret.encryptV2("x", "k", new byte[12]) + ")", "file");
        assertThatThrownBy(() -> DbPropertiesReader.read(f, null, Map.of())).hasMessageContaining(
                tmp.resolve("key").toString()).hasMessageContaining("--key-file");
    }

    @Test
    void webEncryptionNeedsTheKeyFileOption() throws Exception {
        Path f = props("ENC(" + CloudStackSecret.encryptV2("x", "k", new byte[12]) + ")", "web");
        assertThatThrownBy(() -> DbPropertiesReader.read(f, null, Map.of())).hasMessageContaining("--key-file");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> DbPropertiesReader.read(tmp.resolve("none"), null, Map.of()))
                .hasMessageContaining("cloudstack-setup-databases");
    }
}
