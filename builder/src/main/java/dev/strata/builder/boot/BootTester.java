package dev.strata.builder.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Boots a template disk under qemu-system-x86_64 and watches its serial console for the ready
 * marker that the system prints once it is up ({@value #READY_MARKER}). Uses KVM when it really
 * runs guests, software emulation otherwise. The disk is opened with snapshot=on: the test never
 * changes the image it checks.
 */
public final class BootTester {

    public static final String READY_MARKER = "STRATA-READY";
    /** Printed instead of the ready marker when a systemd unit failed during boot. */
    public static final String FAILED_MARKER = "STRATA-FAILED";
    /** Printed by Strata's init when it cannot mount the system; it then sits in a rescue shell. */
    public static final String INIT_FATAL_MARKER = "strata-init: FATAL";
    public static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    public static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
    private static final int TAIL = 40;

    /** What to boot and how. */
    public record Options(Firmware firmware, Duration timeout, int memoryMb, boolean allowKvm, DiskBus bus) {

        public Options(Firmware firmware, Duration timeout, int memoryMb, boolean allowKvm) {
            this(firmware, timeout, memoryMb, allowKvm, DiskBus.VIRTIO);
        }
    }

    private final Consumer<String> progress;

    public BootTester(Consumer<String> progress) {
        this.progress = progress;
    }

    /** Boots a disk file that qemu reads directly (qcow2, raw, vpc, vmdk). */
    public BootResult boot(Path disk, String qemuFormat, Options options) {
        boolean kvm = options.allowKvm() && Accelerator.kvmRunsGuests();
        BootResult result = bootWith(disk, qemuFormat, options, kvm);
        if (!result.passed() && kvm && result.reason().toLowerCase(java.util.Locale.ROOT).contains("kvm")) {
            // Nested KVM can run firmware and still fail on the boot loader or the kernel.
            Accelerator.markKvmBroken();
            progress.accept("KVM failed to run the guest (" + firstLine(result.reason()) + "); retrying with TCG");
            result = bootWith(disk, qemuFormat, options, false);
        }
        return result;
    }

    private BootResult bootWith(Path disk, String qemuFormat, Options options, boolean kvm) {
        Path dir;
        try {
            dir = Files.createTempDirectory("strata-boot-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path console = dir.resolve("console.log");
        Path qemuLog = dir.resolve("qemu.log");
        Process qemu = null;
        long start = System.nanoTime();
        String accel = kvm ? "kvm" : "tcg";
        try {
            Files.createFile(console);
            List<String> args = command(disk, qemuFormat, options, kvm, console, dir);
            progress.accept("booting " + disk.getFileName() + " with " + options.firmware().id() + " under " + accel
                    + " (" + options.bus().name().toLowerCase(java.util.Locale.ROOT) + " disk)");
            qemu = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(qemuLog.toFile()).start();
            long deadline = start + options.timeout().toNanos();
            long lastReport = start;
            while (true) {
                List<String> lines = readLines(console);
                for (String line : lines) {
                    if (line.contains(READY_MARKER)) {
                        return new BootResult(true, options.firmware(), accel, millisSince(start), line.strip(),
                                tail(lines), "");
                    }
                    if (line.contains(INIT_FATAL_MARKER)) {
                        return new BootResult(false, options.firmware(), accel, millisSince(start), "", tail(lines),
                                "the initramfs could not start the system: " + line.strip());
                    }
                    if (line.contains(FAILED_MARKER)) {
                        return new BootResult(false, options.firmware(), accel, millisSince(start), "", tail(lines),
                                "the system came up with failed units: " + line.strip());
                    }
                }
                String qemuErrors = kvm ? kvmFailure(qemuLog) : null;
                if (qemuErrors != null) {
                    return new BootResult(false, options.firmware(), accel, millisSince(start), "", tail(lines),
                            qemuErrors);
                }
                if (!qemu.isAlive()) {
                    String qemuOut = Files.readString(qemuLog).strip();
                    return new BootResult(false, options.firmware(), accel, millisSince(start), "", tail(lines),
                            "qemu exited with code " + qemu.exitValue() + (qemuOut.isEmpty() ? "" : ": " + qemuOut));
                }
                if (System.nanoTime() > deadline) {
                    return new BootResult(false, options.firmware(), accel, millisSince(start), "", tail(lines),
                            "no " + READY_MARKER + " on the serial console within " + options.timeout().toSeconds() + " s");
                }
                if (System.nanoTime() - lastReport > 15_000_000_000L) {
                    lastReport = System.nanoTime();
                    String last = lines.isEmpty() ? "(console silent)" : lines.get(lines.size() - 1).strip();
                    progress.accept(String.format("%d s: %s", millisSince(start) / 1000,
                            last.length() > 100 ? last.substring(0, 100) : last));
                }
                Thread.sleep(250);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new BootResult(false, options.firmware(), accel, millisSince(start), "", List.of(), "interrupted");
        } finally {
            if (qemu != null) {
                qemu.destroyForcibly();
                try {
                    qemu.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteQuietly(dir);
        }
    }

    private static List<String> command(Path disk, String format, Options options, boolean kvm, Path console, Path dir)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("qemu-system-x86_64",
                "-accel", kvm ? "kvm" : "tcg",
                // "host" trips MSR errors under nested KVM; qemu's default model boots everywhere.
                "-cpu", kvm ? "qemu64" : "max",
                "-machine", options.firmware() == Firmware.UEFI ? "q35" : "pc",
                "-m", Integer.toString(options.memoryMb()),
                "-smp", "1",
                "-nodefaults", "-display", "none", "-no-reboot",
                "-serial", "file:" + console));
        args.addAll(options.bus().qemuArgs(disk.toAbsolutePath().toString(), format));
        if (options.firmware() == Firmware.UEFI) {
            Path vars = dir.resolve("OVMF_VARS.fd");
            Files.copy(OVMF_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
            args.addAll(List.of(
                    "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
        }
        return args;
    }

    /** qemu reports a KVM failure and then sits paused; this spots it in qemu's own output. */
    static String kvmFailure(Path qemuLog) throws IOException {
        String out = Files.readString(qemuLog);
        for (String marker : List.of("KVM internal error", "kvm run failed", "failed to set MSR")) {
            if (out.contains(marker)) {
                return "KVM error: " + marker;
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static List<String> readLines(Path console) throws IOException {
        byte[] bytes = Files.readAllBytes(console);
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\r", "");
        return new ArrayList<>(Arrays.asList(text.split("\n")));
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - TAIL), lines.size());
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
