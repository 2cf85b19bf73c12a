package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.DiskBus;
import dev.strata.builder.boot.Firmware;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.BuildPipeline;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.ProfileLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile with a kernel per hypervisor: KVM gets Debian's cloud kernel, VMware the generic one
 * (the cloud kernel has no Fusion-MPT). One root image carries both kernels' modules; each disk
 * boots its own kernel, and the cloud kernel's initramfs leaves out the drivers it lacks.
 */
class PerHypervisorKernelIT {

    private static final Path DEBIAN = Path.of("..", "debian-profile", "profiles", "debian.yaml").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void eachHypervisorBootsItsOwnKernel() throws Exception {
        Path profile = tmp.resolve("profile.yaml");
        Files.writeString(profile, String.join("\n",
                "schema: 1",
                "extends: " + DEBIAN,
                "kernel:",
                "  hypervisors:",
                "    kvm: linux-image-cloud-amd64",
                "outputs:",
                "  - {hypervisor: kvm, format: qcow2, compression: none}",
                "  - {hypervisor: vmware, format: ova, compression: none}",
                ""));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(new TeeStream(log, System.out), true, StandardCharsets.UTF_8);
        BuildResult result = new BuildPipeline(new Reporter(both)).build(new ProfileLoader().load(profile),
                new BuildOptions(tmp.resolve("out"), BuildOptions.defaultCacheDir(), null, BuildOptions.defaultEpoch(),
                        Set.of(), true, "file:///tmp/", false).withLayer(Bundle.layerJars(), null));
        assertThat(result.files().stream().filter(f -> !f.isLayer())).hasSize(2);
        String output = log.toString(StandardCharsets.UTF_8);
        assertThat(output).containsPattern("kernel \\S+-cloud-amd64 has no [^\\n]*mptspi[^\\n]*: left out of its initramfs");

        BootResult kvm = boot(tmp.resolve("out/systemvmtemplate-4.22.0-x86_64-kvm.qcow2"), DiskBus.VIRTIO);
        assertThat(kvm.readyLine()).containsPattern("kernel=\\S+-cloud-amd64");
        BootResult vmware = boot(tmp.resolve("out/systemvmtemplate-4.22.0-x86_64-vmware.ova"), DiskBus.PVSCSI);
        assertThat(vmware.readyLine()).containsPattern("kernel=\\d\\S*-amd64").doesNotContain("cloud");
    }

    private BootResult boot(Path template, DiskBus bus) throws Exception {
        Path scratch = Files.createTempDirectory(tmp, "boot");
        BootableImage.Disk disk = BootableImage.open(template, scratch);
        BootResult r = new BootTester(msg -> System.out.println("[kernel-per-hv boot] " + msg)).boot(disk.file(),
                disk.qemuFormat(), new BootTester.Options(Firmware.BIOS,
                        Duration.ofSeconds(Long.parseLong(System.getProperty("strata.boot.timeout", "600"))), 512, true, bus));
        assertThat(r.passed()).as("%s%n%s", r.reason(), String.join("\n", r.consoleTail())).isTrue();
        return r;
    }

    /** Writes to two streams: the test reads the build's output and the person sees it. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
