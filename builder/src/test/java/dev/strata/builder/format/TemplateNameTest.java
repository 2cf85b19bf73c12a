package dev.strata.builder.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template names as CloudStack's templateConfig.sh gives them: every hypervisor ends in -&lt;arch&gt;. */
class TemplateNameTest {

    @TempDir
    Path dir;

    @Test
    void everyHypervisorsNameEndsInTheArch() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                schema: 1
                name: mini
                version: 4.22.0
                distribution:
                  name: debian
                  suite: bookworm
                  release: "12"
                  architecture: amd64
                kernel:
                  package: linux-image-amd64
                outputs:
                  - {hypervisor: kvm, format: qcow2, compression: bzip2}
                """);
        Profile p = new ProfileLoader().load(file);
        assertThat(BundleWriter.templateName(p, Hypervisor.KVM)).isEqualTo("systemvm-kvm-4.22.0-x86_64");
        assertThat(BundleWriter.templateName(p, Hypervisor.VMWARE)).isEqualTo("systemvm-vmware-4.22.0-x86_64");
        assertThat(BundleWriter.templateName(p, Hypervisor.XENSERVER)).isEqualTo("systemvm-xenserver-4.22.0-x86_64");
        assertThat(BundleWriter.templateName(p, Hypervisor.HYPERV)).isEqualTo("systemvm-hyperv-4.22.0-x86_64");
        assertThat(BundleWriter.templateName(p, Hypervisor.OVM3)).isEqualTo("systemvm-ovm3-4.22.0-x86_64");
    }

    /** The layout system.vm.templates.download.repository expects of a mirror: <prefix><major.minor>/<file>. */
    @Test
    void downloadUrlsFollowTheRepositoryLayoutTheServerExpects() {
        String file = "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2";
        assertThat(BundleWriter.downloadUrl(BundleWriter.DEFAULT_REPOSITORY, "4.22.0", file))
                .isEqualTo("file:///usr/share/cloudstack-management/templates/systemvm/4.22/" + file);
        assertThat(BundleWriter.repositoryPrefix(BundleWriter.DEFAULT_REPOSITORY)).isEqualTo(BundleWriter.DEFAULT_REPOSITORY);
        assertThat(BundleWriter.repositoryPrefix("file:///srv/systemvm")).isEqualTo("file:///srv/systemvm/");
        assertThat(BundleWriter.downloadUrl("http://mirror.test/systemvm", "4.22.0.1", file))
                .isEqualTo("http://mirror.test/systemvm/4.22/" + file);
        for (String bad : new String[] {"file://host/x/", "file:///srv/../etc/", "file:///", "ftp://m.test/x/",
                "mirror.test/systemvm/", "http://m.test/a b/", ""}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BundleWriter.repositoryPrefix(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--download-repository");
        }
    }
}
