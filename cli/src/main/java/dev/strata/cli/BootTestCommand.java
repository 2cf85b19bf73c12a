package dev.strata.cli;

import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.DiskBus;
import dev.strata.builder.boot.Firmware;
import dev.strata.layout.Deletion;
import dev.strata.builder.pipeline.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(usageHelpWidth = 100, name = "boot-test", mixinStandardHelpOptions = true,
        description = {"Boot a template under QEMU and wait until it says it is ready.", "",
            "Reads the serial console and passes when the line '" + BootTester.READY_MARKER + "' appears;",
            "on failure prints the end of the console. Uses KVM when it really runs guests here,",
            "software emulation (TCG, about a minute per boot) otherwise. The image is never modified.",
            "Accepts any bundle file: .qcow2[.bz2], .vhd[.bz2|.zip], .raw[.bz2], .ova."})
final class BootTestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "Template file to boot.")
    Path image;

    @Option(names = "--firmware", defaultValue = "both", paramLabel = "bios|uefi|both",
            description = "Firmware to boot with (default: ${DEFAULT-VALUE}).")
    String firmware;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "Longest wait for the ready line, per boot (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--memory", defaultValue = "512", paramLabel = "MB", description = "Guest memory (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--bus", defaultValue = "VIRTIO", paramLabel = "BUS",
            description = "Disk controller: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; IDE is how Xen HVM and "
                    + "Hyper-V Gen 1 boot, PVSCSI is VMware's paravirtual SCSI).")
    DiskBus bus;

    @Option(names = "--no-kvm", description = "Always use software emulation.")
    boolean noKvm;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(image)) {
            System.err.println("strata boot-test: no such file: " + image.toAbsolutePath());
            return 2;
        }
        List<Firmware> firmwares = switch (firmware) {
            case "bios" -> List.of(Firmware.BIOS);
            case "uefi" -> List.of(Firmware.UEFI);
            case "both" -> List.of(Firmware.BIOS, Firmware.UEFI);
            default -> throw new IllegalArgumentException("--firmware must be bios, uefi or both, not '" + firmware + "'");
        };
        Path scratch = Files.createTempDirectory("strata-boot-test-");
        List<BootResult> results = new ArrayList<>();
        try {
            BootableImage.Disk disk = BootableImage.open(image, scratch);
            BootTester tester = new BootTester(msg -> System.err.println("[boot-test] " + msg));
            for (Firmware fw : firmwares) {
                BootResult r = tester.boot(disk.file(), disk.qemuFormat(),
                        new BootTester.Options(fw, Duration.ofSeconds(timeoutSeconds), memoryMb, !noKvm, bus));
                results.add(r);
                if (!json) {
                    print(r);
                }
            }
        } finally {
            Deletion.deleteTree(scratch);
        }
        if (json) {
            System.out.println(Json.write(results));
        }
        return results.stream().allMatch(BootResult::passed) ? 0 : 1;
    }

    private static void print(BootResult r) {
        if (r.passed()) {
            System.out.printf("PASS %s (%s) ready in %s: %s%n", r.firmware().id(), r.accelerator(),
                    Reporter.seconds(r.millis()), r.readyLine());
        } else {
            System.out.printf("FAIL %s (%s) after %s: %s%n", r.firmware().id(), r.accelerator(),
                    Reporter.seconds(r.millis()), r.reason());
            System.out.println("---- last console lines ----");
            r.consoleTail().forEach(l -> System.out.println("  " + l));
        }
    }
}
