package dev.strata.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.DiskBus;
import dev.strata.builder.boot.Firmware;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.layout.Deletion;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Boots the bundle's templates under QEMU, as {@code strata boot-test} does, and fails the build
 * unless each prints its ready line: KVM when it really runs guests here, else software emulation
 * (minutes per boot). Each hypervisor's disk goes on the controller it first boots from there
 * (KVM virtio, XenServer/Hyper-V/OVM3 IDE, VMware PVSCSI). The images are never modified.
 */
@Mojo(name = "boot-test", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = false)
public class BootTestMojo extends StrataMojo {

    public BootTestMojo() {
        super("boot-test");
    }

    /** The bundle folder made by {@code strata:build} (also read as {@code outputDirectory}, build's name for it). */
    @Parameter(property = "strata.output", alias = "outputDirectory", defaultValue = "${project.build.directory}/systemvm")
    private File bundleDirectory;

    /** Comma-separated hypervisors whose template is booted ({@code kvm}, {@code xenserver}, {@code vmware}, {@code hyperv}, {@code ovm3}). */
    @Parameter(property = "strata.bootTest.hypervisors", defaultValue = "kvm")
    private String hypervisors;

    /** Firmware: {@code bios}, {@code uefi} or {@code both}. */
    @Parameter(property = "strata.bootTest.firmware", defaultValue = "both")
    private String firmware;

    /** Longest wait for the ready line, per boot, in seconds (1 to 3600). */
    @Parameter(property = "strata.boot.timeout", defaultValue = "600")
    private int timeoutSeconds;

    /** Guest memory in MiB (128 to 16384). */
    @Parameter(property = "strata.bootTest.memory", defaultValue = "512")
    private int memoryMb;

    /** Never use KVM, always software emulation. */
    @Parameter(property = "strata.bootTest.noKvm", defaultValue = "false")
    private boolean noKvm;

    /** Skip the boot test (also skipped by {@code -DskipTests} and {@code -DskipITs}). */
    @Parameter(property = "strata.skipBootTest", defaultValue = "false")
    private boolean skip;

    @Parameter(property = "skipTests", defaultValue = "false", readonly = true)
    private boolean skipTests;

    @Parameter(property = "skipITs", defaultValue = "false", readonly = true)
    private boolean skipITs;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipTests || skipITs) {
            getLog().info(goal() + " skipped");
            return;
        }
        List<Firmware> firmwares = switch (firmware) {
            case "bios" -> List.of(Firmware.BIOS);
            case "uefi" -> List.of(Firmware.UEFI);
            case "both" -> List.of(Firmware.BIOS, Firmware.UEFI);
            default -> throw badParameter("firmware", "strata.bootTest.firmware", "is '" + firmware + "'",
                    "bios, uefi or both");
        };
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw badParameter("timeoutSeconds", "strata.boot.timeout", "is " + timeoutSeconds, "1 to 3600 seconds");
        }
        if (memoryMb < 128 || memoryMb > 16384) {
            throw badParameter("memoryMb", "strata.bootTest.memory", "is " + memoryMb, "128 to 16384 (MiB)");
        }
        List<Path> images = templates(hypervisors.split(","));
        List<String> failed = new ArrayList<>();
        try {
            Path scratch = Files.createTempDirectory("strata-boot-test-");
            try {
                BootTester tester = new BootTester(msg -> getLog().info("[boot-test] " + msg));
                for (Path image : images) {
                    BootableImage.Disk disk = BootableImage.open(image, scratch);
                    for (Firmware fw : firmwares) {
                        BootResult r = tester.boot(disk.file(), disk.qemuFormat(), new BootTester.Options(fw,
                                Duration.ofSeconds(timeoutSeconds), memoryMb, !noKvm, busFor(image)));
                        if (r.passed()) {
                            getLog().info("PASS " + image.getFileName() + " " + fw.id() + " (" + r.accelerator() + ") ready in "
                                    + Reporter.seconds(r.millis()));
                        } else {
                            getLog().error("FAIL " + image.getFileName() + " " + fw.id() + " after "
                                    + Reporter.seconds(r.millis()) + ": " + r.reason());
                            r.consoleTail().forEach(l -> getLog().error("  " + l));
                            failed.add(image.getFileName() + " (" + fw.id() + "): " + r.reason());
                        }
                    }
                    if (disk.temporary()) {
                        Files.deleteIfExists(disk.file());
                    }
                }
            } finally {
                Deletion.deleteTree(scratch);
            }
        } catch (IOException e) {
            throw new MojoExecutionException(goal() + ": " + e.getMessage(), e);
        }
        if (!failed.isEmpty()) {
            throw new MojoFailureException(goal() + ": " + failed.size() + " boot(s) failed: " + String.join("; ", failed));
        }
    }

    private List<Path> templates(String[] wanted) throws MojoFailureException {
        Path json = bundleDirectory.toPath().resolve(BundleWriter.BUNDLE_JSON);
        if (!Files.isRegularFile(json)) {
            throw badParameter("bundleDirectory", "strata.output", "names " + bundleDirectory + ", which holds no "
                    + BundleWriter.BUNDLE_JSON, "a bundle folder made by strata:build");
        }
        JsonNode files;
        try {
            files = new ObjectMapper().readTree(json.toFile()).path("files");
        } catch (IOException e) {
            throw new MojoFailureException(goal() + ": " + json + ": " + e.getMessage(), e);
        }
        List<String> present = new ArrayList<>();
        files.forEach(f -> present.add(f.path("hypervisor").asText()));
        List<Path> out = new ArrayList<>();
        for (String h : Arrays.stream(wanted).map(String::strip).toList()) {
            int i = present.indexOf(h);
            if (i < 0) {
                throw badParameter("hypervisors", "strata.bootTest.hypervisors", "has '" + h + "'",
                        "the bundle's hypervisors " + present);
            }
            out.add(bundleDirectory.toPath().resolve(files.get(i).path("name").asText()));
        }
        return out;
    }

    private static DiskBus busFor(Path image) {
        String name = image.getFileName().toString();
        if (name.contains("-kvm.")) {
            return DiskBus.VIRTIO;
        }
        return name.contains("-vmware.") ? DiskBus.PVSCSI : DiskBus.IDE;
    }
}
