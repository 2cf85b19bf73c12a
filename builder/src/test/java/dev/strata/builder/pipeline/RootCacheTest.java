package dev.strata.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.rootfs.DpkgStatus;
import dev.strata.builder.rootfs.RootfsCustomizer.KernelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCacheTest {

    @TempDir
    Path dir;

    private Profile profile() throws Exception {
        return new ProfileLoader().load(Path.of("..", "debian-profile", "profiles", "debian.yaml"));
    }

    @Test
    void keyFollowsWhatShapesTheRootAndNothingElse() throws Exception {
        Profile p = profile();
        Path jar = Files.writeString(dir.resolve("builder.jar"), "code v1");
        List<String> kernels = List.of("linux-image-amd64");
        String key = RootCache.key(p, "rootfs-1", kernels, 100, jar);
        assertThat(RootCache.key(p, "rootfs-1", kernels, 100, jar)).isEqualTo(key);
        // The layer, the outputs and the disk sizes do not shape the root.
        assertThat(RootCache.key(p.withLayer(p.layer().withVersion("4.22.0.9")), "rootfs-1", kernels, 100, jar)).isEqualTo(key);

        assertThat(RootCache.key(p, "rootfs-2", kernels, 100, jar)).isNotEqualTo(key);
        assertThat(RootCache.key(p, "rootfs-1", kernels, 101, jar)).isNotEqualTo(key);
        assertThat(RootCache.key(p, "rootfs-1", List.of("linux-image-cloud-amd64"), 100, jar)).isNotEqualTo(key);
        Path extra = Files.writeString(dir.resolve("motd"), "hello");
        Profile withFile = p.withRootFiles(List.of(new FileEntry(extra, "/etc/motd", 0644)));
        String fileKey = RootCache.key(withFile, "rootfs-1", kernels, 100, jar);
        assertThat(fileKey).isNotEqualTo(key);
        Files.writeString(extra, "hello again");
        assertThat(RootCache.key(withFile, "rootfs-1", kernels, 100, jar)).as("file content").isNotEqualTo(fileKey);
        Files.writeString(jar, "code v2");
        assertThat(RootCache.key(p, "rootfs-1", kernels, 100, jar)).as("the builder's code").isNotEqualTo(key);
        assertThat(RootCache.key(p, "rootfs-1", kernels, 100, null)).as("not from a jar: no caching").isNull();
    }

    @Test
    void keyDoesNotDependOnMapIterationOrder() throws Exception {
        // Map.copyOf's iteration order changes from one JVM to the next: the key must not follow it.
        java.util.Map<Hypervisor, String> a = new java.util.LinkedHashMap<>();
        a.put(Hypervisor.KVM, "linux-image-cloud-amd64");
        a.put(Hypervisor.VMWARE, "linux-image-amd64");
        java.util.Map<Hypervisor, String> b = new java.util.LinkedHashMap<>();
        b.put(Hypervisor.VMWARE, "linux-image-amd64");
        b.put(Hypervisor.KVM, "linux-image-cloud-amd64");
        assertThat(RootCache.canonical(a)).isEqualTo(RootCache.canonical(b));
        java.util.Map<String, List<String>> x = new java.util.LinkedHashMap<>();
        x.put("docs", List.of("/usr/share/doc/*"));
        x.put("locales", List.of("/usr/share/locale/*"));
        java.util.Map<String, List<String>> y = new java.util.LinkedHashMap<>();
        y.put("locales", List.of("/usr/share/locale/*"));
        y.put("docs", List.of("/usr/share/doc/*"));
        assertThat(RootCache.canonical(x)).isEqualTo(RootCache.canonical(y));
    }

    @Test
    void storedEntryComesBackWithItsFiles() throws Exception {
        Path root = Files.writeString(dir.resolve("root.img"), "squashfs");
        Path vmlinuz = Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Path initrd = Files.writeString(dir.resolve("initrd"), "cpio");
        KernelFiles k = new KernelFiles("6.1.0-1-amd64", vmlinuz);
        RootCache cache = new RootCache(dir.resolve("cache"));
        assertThat(cache.lookup("k1")).isNull();
        cache.store("k1", new RootCache.Entry(root, Map.of(Hypervisor.KVM, k, Hypervisor.VMWARE, k),
                Map.of("6.1.0-1-amd64", initrd), Map.of("docs", 42L),
                List.of(new DpkgStatus.InstalledPackage("libc6", "2.36", "amd64", "", List.of("LGPL-2.1+")))));

        RootCache.Entry e = cache.lookup("k1");
        assertThat(e.rootImage()).hasContent("squashfs");
        assertThat(e.kernels()).containsOnlyKeys(Hypervisor.KVM, Hypervisor.VMWARE);
        assertThat(e.kernels().get(Hypervisor.KVM).vmlinuz()).hasContent("kernel");
        assertThat(e.initrds().get("6.1.0-1-amd64")).hasContent("cpio");
        assertThat(e.slimmed()).containsEntry("docs", 42L);
        assertThat(e.packages().get(0).licenses()).containsExactly("LGPL-2.1+");
        assertThat(cache.lookup("k2")).isNull();
    }
}
