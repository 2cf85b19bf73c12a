package dev.strata.builder.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.builder.rootfs.DpkgStatus.InstalledPackage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgStatusTest {

    private static final String STATUS = """
            Package: zlib1g
            Status: install ok installed
            Priority: required
            Section: libs
            Installed-Size: 168
            Maintainer: Mark Brown <broonie@debian.org>
            Architecture: amd64
            Multi-Arch: same
            Source: zlib
            Version: 1:1.2.13.dfsg-1
            Depends: libc6 (>= 2.14)
            Description: compression library - runtime
             zlib is a library implementing the deflate compression method found
             Package: not-a-package
             Version: 9.9

            Package: linux-image-amd64
            Status: install ok installed
            Architecture: amd64
            Source: linux-signed-amd64 (6.1.153+1)
            Version: 6.1.153-1
            Depends: linux-image-6.1.0-56-amd64 (= 6.1.153-1)
            Description: Linux for 64-bit PCs (meta-package)

            Package: old-removed
            Status: deinstall ok config-files
            Architecture: amd64
            Version: 1.0
            Conffiles:
             /etc/old-removed.conf 0123456789abcdef0123456789abcdef

            Package: broken-half
            Status: install reinstreq half-installed
            Architecture: amd64
            Version: 2.0

            Package: purged
            Status: purge ok not-installed
            Architecture: amd64

            Package: unpacked-only
            Status: install ok unpacked
            Architecture: amd64
            Version: 3.0

            Package: linux-image-6.1.0-56-amd64
            Status: install ok installed
            Architecture: amd64
            Version: 6.1.153-1
            Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
            Description: Linux 6.1 for 64-bit PCs (signed)

            Package: base-files
            Essential: yes
            Status: install ok installed
            Architecture: amd64
            Version: 12.4+deb12u12
            """;

    private static Path root(Path dir, String status) throws Exception {
        Path dpkg = Files.createDirectories(dir.resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), status);
        return dir;
    }

    @Test
    void readsOnlyInstalledPackagesSortedByName(@TempDir Path dir) throws Exception {
        List<InstalledPackage> packages = DpkgStatus.read(root(dir, STATUS));

        assertThat(packages).extracting(InstalledPackage::name).containsExactly(
                "base-files", "linux-image-6.1.0-56-amd64", "linux-image-amd64", "zlib1g");
        assertThat(packages.get(3)).isEqualTo(
                new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64", "libc6 (>= 2.14)"));
        assertThat(packages.get(2).depends()).isEqualTo("linux-image-6.1.0-56-amd64 (= 6.1.153-1)");
        assertThat(packages.get(0).depends()).as("no Depends field").isEmpty();
    }

    @Test
    void missingStatusFileIsAnErrorNamingIt(@TempDir Path dir) {
        assertThatThrownBy(() -> DpkgStatus.read(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("var/lib/dpkg/status");
    }

    @Test
    void kernelReleaseOfAMetaPackageComesFromItsVersionedDependency(@TempDir Path dir) throws Exception {
        List<InstalledPackage> packages = DpkgStatus.read(root(dir, STATUS));

        assertThat(DpkgStatus.kernelRelease(packages, "linux-image-amd64")).isEqualTo("6.1.0-56-amd64");
    }

    @Test
    void kernelReleaseOfAVersionedPackageIsItsName(@TempDir Path dir) throws Exception {
        List<InstalledPackage> packages = DpkgStatus.read(root(dir, STATUS));

        assertThat(DpkgStatus.kernelRelease(packages, "linux-image-6.1.0-56-amd64")).isEqualTo("6.1.0-56-amd64");
    }

    @Test
    void kernelReleaseSkipsNonKernelDependenciesOfAMetaPackage() {
        List<InstalledPackage> packages = List.of(new InstalledPackage("linux-image-cloud-amd64", "6.1.153-1",
                "amd64", "linux-base, linux-image-6.1.0-56-cloud-amd64 (= 6.1.153-1) | linux-image-6.1.0-56-cloud-amd64-unsigned"));

        assertThat(DpkgStatus.kernelRelease(packages, "linux-image-cloud-amd64")).isEqualTo("6.1.0-56-cloud-amd64");
    }

    @Test
    void kernelReleaseOfAPackageThatIsNotInstalledIsAClearError(@TempDir Path dir) throws Exception {
        List<InstalledPackage> packages = DpkgStatus.read(root(dir, STATUS));

        assertThatThrownBy(() -> DpkgStatus.kernelRelease(packages, "linux-image-cloud-amd64"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("linux-image-cloud-amd64")
                .hasMessageContaining("not installed");
        // a package dpkg only remembers for its config files is not installed either
        List<InstalledPackage> removedOnly = DpkgStatus.read(root(dir, """
                Package: linux-image-amd64
                Status: deinstall ok config-files
                Version: 6.1.153-1
                Depends: linux-image-6.1.0-56-amd64 (= 6.1.153-1)
                """));
        assertThatThrownBy(() -> DpkgStatus.kernelRelease(removedOnly, "linux-image-amd64"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void kernelReleaseOfAMetaPackageWithoutAVersionedDependencyIsAnError() {
        List<InstalledPackage> packages = List.of(
                new InstalledPackage("linux-image-amd64", "6.1.153-1", "amd64", "linux-base, kmod"));

        assertThatThrownBy(() -> DpkgStatus.kernelRelease(packages, "linux-image-amd64"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("linux-image-amd64");
    }
}
