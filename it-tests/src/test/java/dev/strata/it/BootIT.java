package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.Firmware;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The KVM template boots under QEMU with SeaBIOS and with OVMF, and comes up with the
 * read-only root, the data partition mounted and no failed unit (the ready line says so).
 */
class BootIT {

    @ParameterizedTest
    @EnumSource(Firmware.class)
    void kvmTemplateBootsToReady(Firmware firmware) {
        BootableImage.Disk disk = Bundle.unpacked(".qcow2.bz2");
        long timeout = Long.parseLong(System.getProperty("strata.boot.timeout", "600"));
        BootResult result = new BootTester(msg -> System.out.println("[boot " + firmware.id() + "] " + msg))
                .boot(disk.file(), disk.qemuFormat(), new BootTester.Options(firmware, Duration.ofSeconds(timeout), 512, true));
        assertThat(result.passed())
                .as("%s boot: %s%nconsole tail:%n%s", firmware.id(), result.reason(), String.join("\n", result.consoleTail()))
                .isTrue();
        assertThat(result.readyLine())
                .contains("root=squashfs")
                .contains("data=/dev/vda3")
                .contains("version=4.22.0");
        System.out.printf("%s boot under %s: ready in %d ms%n", firmware.id(), result.accelerator(), result.millis());
    }
}
