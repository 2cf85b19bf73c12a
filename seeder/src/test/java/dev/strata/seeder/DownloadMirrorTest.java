package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.seeder.config.ServerProperties;
import dev.strata.seeder.store.CopyProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * server.properties' {@code system.vm.templates.download.repository}: the server registers every
 * template at the mirror (metadata.ini's {@code downloadrepository} replaced), so the seeder must
 * write the same {@code vm_template.url} and {@code template_store_ref.download_url}.
 */
@ExtendWith(MariaDbServer.class)
class DownloadMirrorTest {

    private static final String MIRROR = "https://mirror.test/cs/systemvm/";

    @TempDir
    Path tmp;

    @Test
    void theServersMirrorReplacesTheBundlesRepositoryInEveryUrl() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Path props = tmp.resolve("server.properties");
        Files.writeString(props, "# written by the package\nbind.interface=::\n"
                + "system.vm.templates.download.repository = " + MIRROR + "  \nhttp.port=8080\n");
        assertThat(seed(env, props).status()).isEqualTo("seeded");

        List<Map<String, Object>> rows = env.rows("SELECT name, url FROM vm_template WHERE name LIKE '%-4.22.0-%'");
        assertThat(rows).hasSize(4); // the hypervisor/arch pairs the fixture's clusters use
        for (Map<String, Object> t : rows) {
            String file = fileOf((String) t.get("name"));
            assertThat(t.get("url")).as((String) t.get("name")).isEqualTo(MIRROR + "4.22/" + file);
        }
        // Hyper-V (16) and Ovm3 (12) are not in use: their rows are refreshed, with the mirror's URL too.
        assertThat(env.value("SELECT url FROM vm_template WHERE id = 16"))
                .isEqualTo(MIRROR + "4.22/systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip");
        assertThat(env.value("SELECT url FROM vm_template WHERE id = 12"))
                .isEqualTo(MIRROR + "4.22/systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2");
        assertThat(env.rows("SELECT s.url FROM template_store_ref s JOIN vm_template t "
                + "ON t.id = s.template_id WHERE t.name LIKE '%-4.22.0-%'"))
                .isNotEmpty().allSatisfy(r -> assertThat((String) r.get("url")).startsWith(MIRROR + "4.22/"));
    }

    @Test
    void withoutTheFileOrTheKeyTheBundlesUrlIsWritten() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        assertThat(seed(env, tmp.resolve("absent/server.properties")).status()).isEqualTo("seeded");
        Object url = env.value("SELECT url FROM vm_template WHERE name = 'systemvm-kvm-4.22.0-x86_64'");
        assertThat(url).isEqualTo(TestBundle.REPOSITORY + "4.22/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");

        Path blank = tmp.resolve("blank.properties");
        Files.writeString(blank, "system.vm.templates.download.repository=\n");
        assertThat(ServerProperties.downloadRepository(blank)).isEmpty();
        Files.writeString(blank, "http.port=8080\n");
        assertThat(ServerProperties.downloadRepository(blank)).isEmpty();
    }

    @Test
    void aMirrorTheServerCannotApplyIsRefusedBeforeAnythingIsWritten() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Path props = tmp.resolve("server.properties");
        Files.writeString(props, "system.vm.templates.download.repository=https://mirror.test/$1/\n");
        String before = env.snapshot();
        assertThatThrownBy(() -> seed(env, props)).isInstanceOf(SeedException.class)
                .hasMessageContaining(props.toString()).hasMessageContaining("system.vm.templates.download.repository");
        assertThat(env.snapshot()).isEqualTo(before);
    }

    private static SeedResult seed(SeedEnv env, Path serverProperties) {
        SeedOptions o = new SeedOptions(env.bundle, env.db, env.mounted(), env.mountParent, false, 5, false,
                serverProperties);
        return new Seeder(o, SeedEnv.NO_MOUNTS, SeedHooks.NONE, CopyProgress.NONE, env.log::add).run();
    }

    /** TestBundle's file name for a template name systemvm-<hv>-4.22.0-<arch>. */
    private static String fileOf(String name) {
        String[] p = name.split("-");
        String suffix = switch (p[1]) {
            case "kvm" -> "kvm.qcow2.bz2";
            case "vmware" -> "vmware.ova";
            case "xenserver" -> "xen.vhd.bz2";
            case "hyperv" -> "hyperv.vhd.zip";
            case "ovm3" -> "ovm.raw.bz2";
            default -> throw new IllegalArgumentException(name);
        };
        return "systemvmtemplate-4.22.0-" + p[3] + "-" + suffix;
    }
}
