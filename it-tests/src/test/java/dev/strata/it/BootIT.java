package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.DiskBus;
import dev.strata.builder.boot.Firmware;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every template of the bundle boots under QEMU and comes up with the read-only root, the data
 * partition mounted and no failed unit (the ready line says so). The KVM image boots with both
 * SeaBIOS and OVMF; the others with SeaBIOS, each through the disk controller its hypervisor
 * boots from (IDE for Xen HVM and Hyper-V Gen 1, VMware's PVSCSI, SCSI for OVM).
 */
class BootIT {

    @ParameterizedTest(name = "{0} with {1} on {2}")
    @CsvSource({
        ".qcow2.bz2,        BIOS, VIRTIO",
        ".qcow2.bz2,        UEFI, VIRTIO",
        "-xen.vhd.bz2,      BIOS, IDE",
        ".ova,              BIOS, PVSCSI",
        "-hyperv.vhd.zip,   BIOS, IDE",
        "-ovm.raw.bz2,      BIOS, SCSI"})
    void templateBootsToReady(String file, Firmware firmware, DiskBus bus) {
        BootableImage.Disk disk = Bundle.unpacked(file);
        long timeout = Long.parseLong(System.getProperty("strata.boot.timeout", "600"));
        BootResult result = new BootTester(msg -> System.out.println("[boot " + file + " " + firmware.id() + "] " + msg))
                .boot(disk.file(), disk.qemuFormat(),
                        new BootTester.Options(firmware, Duration.ofSeconds(timeout), 512, true, bus));
        assertThat(result.passed())
                .as("%s %s boot: %s%nconsole tail:%n%s", file, firmware.id(), result.reason(),
                        String.join("\n", result.consoleTail()))
                .isTrue();
        assertThat(result.readyLine())
                .containsPattern("root=(squashfs|erofs)")
                .containsPattern("data=/dev/(vda3|sda3)")
                .contains("version=4.22.0");
        // The 64 MiB data partition grew to fill the 2 GiB disk on first boot.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data_mib=(\\d+)").matcher(result.readyLine());
        assertThat(m.find()).as(result.readyLine()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isGreaterThan(1500);
        System.out.printf("%s %s boot under %s: ready in %d ms%n", file, firmware.id(), result.accelerator(),
                result.millis());
    }
}
