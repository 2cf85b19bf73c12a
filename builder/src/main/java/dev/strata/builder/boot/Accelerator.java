package dev.strata.builder.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decides between KVM and software emulation (TCG). {@code /dev/kvm} existing is not enough:
 * on some hosts (nested virtualisation) it opens but guests do not run. So the probe starts
 * SeaBIOS under KVM with no disk and waits for it to report "No bootable device" on its debug
 * port, which it only does after running real guest code.
 */
public final class Accelerator {

    private static volatile Boolean kvmWorks;

    private Accelerator() {
    }

    public static synchronized boolean kvmRunsGuests() {
        if (kvmWorks == null) {
            kvmWorks = probe();
        }
        return kvmWorks;
    }

    /** Called when a real boot showed that KVM cannot run the guest after all. */
    public static synchronized void markKvmBroken() {
        kvmWorks = false;
    }

    private static boolean probe() {
        Path dev = Path.of("/dev/kvm");
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            return false;
        }
        Path log = null;
        Process qemu = null;
        try {
            log = Files.createTempFile("strata-kvm-probe", ".log");
            qemu = new ProcessBuilder(List.of("qemu-system-x86_64", "-accel", "kvm", "-nodefaults", "-display", "none",
                    "-m", "32", "-no-reboot", "-debugcon", "file:" + log, "-global", "isa-debugcon.iobase=0x402"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                if (Files.readString(log).contains("No bootable device")) {
                    return true;
                }
                if (!qemu.isAlive()) {
                    return false;
                }
                Thread.sleep(200);
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (qemu != null) {
                qemu.destroyForcibly();
            }
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }
}
