package dev.strata.builder.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A system VM kept running for a test to work with: serial console to a file, the QEMU guest
 * agent's channel on a Unix socket, extra read-only disks (a layer file handed to the VM, as a
 * management server would attach an ISO or copy a file). Reboots stay in the same QEMU process.
 * Under TCG (no working KVM) everything is slow: budget minutes.
 */
public final class RunningVm implements AutoCloseable {

    private final Path dir;
    private final Path console;
    private final List<String> args;
    private final Consumer<String> progress;
    private Process qemu;
    private boolean kvm;

    private RunningVm(Path dir, List<String> args, Consumer<String> progress) {
        this.dir = dir;
        this.console = dir.resolve("console.log");
        this.args = List.copyOf(args);
        this.progress = progress;
    }

    /**
     * @param disk     the system disk (qcow2); written to by the guest, so pass a copy
     * @param extras   raw files attached read-only as further virtio disks (vdb, vdc, ...)
     */
    public static RunningVm start(Path disk, List<Path> extras, int memoryMb, Consumer<String> progress) {
        return start(disk, extras, memoryMb, List.of(), progress);
    }

    /** {@link #start(Path, List, int, Consumer)} with further QEMU arguments (NICs: {@code -netdev}/{@code -device}). */
    public static RunningVm start(Path disk, List<Path> extras, int memoryMb, List<String> qemuArgs, Consumer<String> progress) {
        try {
            Path dir = Files.createTempDirectory("strata-vm-");
            List<String> args = new ArrayList<>(List.of("-machine", "pc",
                    "-m", Integer.toString(memoryMb), "-smp", "1", "-nodefaults", "-display", "none",
                    "-serial", "file:" + dir.resolve("console.log"),
                    "-drive", "file=" + disk.toAbsolutePath() + ",format=qcow2,if=virtio,cache=unsafe",
                    "-chardev", "socket,id=qga0,path=" + dir.resolve("qga.sock") + ",server=on,wait=off",
                    "-device", "virtio-serial", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
            for (Path extra : extras) {
                args.addAll(List.of("-drive", "file=" + extra.toAbsolutePath() + ",format=raw,if=virtio,readonly=on"));
            }
            args.addAll(qemuArgs);
            RunningVm vm = new RunningVm(dir, args, progress);
            vm.launch(Accelerator.kvmRunsGuests());
            return vm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(boolean withKvm) throws IOException {
        kvm = withKvm;
        Files.deleteIfExists(console);
        Files.createFile(console);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", kvm ? "kvm" : "tcg",
                "-cpu", kvm ? "qemu64" : "max"));
        cmd.addAll(args);
        progress.accept("starting the VM under " + (kvm ? "KVM" : "TCG (slow)"));
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
    }

    /** Nested KVM can start a guest and then fail in its boot loader: start again under TCG, as BootTester does. */
    private boolean fellBackFromKvm() throws InterruptedException {
        try {
            String failure = kvm ? BootTester.kvmFailure(dir.resolve("qemu.log")) : null;
            if (failure == null) {
                return false;
            }
            Accelerator.markKvmBroken();
            qemu.destroyForcibly();
            qemu.waitFor();
            progress.accept("KVM failed to run the guest (" + failure + "); starting again under TCG");
            launch(false);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the n-th console line (1-based) matching the pattern; fails fast on init or unit failures. */
    public Matcher awaitConsole(Pattern pattern, int occurrence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        while (true) {
            List<String> lines = consoleLines();
            int seen = 0;
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find() && ++seen == occurrence) {
                    return m;
                }
                if (line.contains(BootTester.INIT_FATAL_MARKER)) {
                    throw new AssertionError("the initramfs failed: " + line + "\n" + tail(lines));
                }
            }
            if (fellBackFromKvm()) {
                deadline = System.nanoTime() + timeout.toNanos();
                continue;
            }
            if (!qemu.isAlive()) {
                throw new AssertionError("qemu exited (" + qemu.exitValue() + "): " + read(dir.resolve("qemu.log"))
                        + "\n" + tail(lines));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no console line matching " + pattern + " (#" + occurrence + ") within "
                        + timeout.toSeconds() + " s; console tail:\n" + tail(lines));
            }
            if (System.nanoTime() - lastReport > 20_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept("waiting for " + pattern + ": " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)));
            }
            Thread.sleep(500);
        }
    }

    /** How many console lines so far match the pattern. */
    public int countConsole(Pattern pattern) {
        return (int) consoleLines().stream().filter(l -> pattern.matcher(l).find()).count();
    }

    /** Resident memory of the QEMU process (the VM as the host sees it), in KiB; -1 if unknown. */
    public long qemuRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(qemu.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public GuestAgent guestAgent(Duration timeout) throws IOException, InterruptedException {
        return GuestAgent.connect(dir.resolve("qga.sock"), timeout);
    }

    public String console() {
        return String.join("\n", consoleLines());
    }

    private List<String> consoleLines() {
        return List.of(read(console).replace("\r", "").split("\n"));
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        qemu.destroyForcibly();
        try {
            qemu.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary folder
        }
    }
}
