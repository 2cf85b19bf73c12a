package dev.strata.builder.image;

import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * Makes the boot partition as a FAT32 file image, without mounting anything: the EFI system
 * partition that UEFI firmware (OVMF, VMware EFI, Hyper-V Gen2) reads, which also carries the
 * BIOS boot loader (syslinux, installed into the image file by its mtools-based installer) so
 * that SeaBIOS and UEFI boot the same disk. The kernel and initramfs sit on it once, for both.
 *
 * GRUB is used for UEFI (built with grub-mkimage, configuration embedded, no files to find)
 * because it is the UEFI loader every hypervisor's firmware is known to start; syslinux for BIOS
 * because, unlike GRUB, it installs into a partition image file without a block device.
 */
public final class BootPartitionBuilder {

    public static final long SIZE = 64L << 20;
    static final String KERNEL = "/strata/vmlinuz";
    static final String INITRD = "/strata/initrd.img";
    private static final List<String> GRUB_MODULES = List.of("part_gpt", "part_msdos", "fat", "linux", "normal",
            "search", "search_fs_file", "serial", "terminal", "echo", "test", "boot", "efi_gop", "efi_uga",
            "all_video", "gzio");

    private final CommandRunner runner;

    public BootPartitionBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    public Path build(Path vmlinuz, Path initrd, String cmdline, long epoch, Path work, Path out) {
        try {
            Files.createDirectories(work);
            Files.deleteIfExists(out);
            try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
                f.setLength(SIZE);
            }
            String epochText = Long.toString(epoch);
            run(List.of("mkfs.fat", "-F", "32", "-s", "1", "-n", "STRATA-BOOT", "--invariant", out.toString()), epochText);
            run(List.of("mmd", "-i", out.toString(), "::/syslinux", "::/strata", "::/EFI", "::/EFI/BOOT"), epochText);
            // Installs ldlinux.sys/ldlinux.c32 into /syslinux and the FAT boot sector code.
            run(List.of("syslinux", "--directory", "/syslinux", "--install", out.toString()), epochText);

            Path syslinuxCfg = write(work.resolve("syslinux.cfg"), syslinuxConfig(cmdline), epoch);
            Path grubCfg = write(work.resolve("grub-early.cfg"), grubConfig(cmdline), epoch);
            Path grubEfi = work.resolve("BOOTX64.EFI");
            run(grubMkimage(grubEfi, grubCfg), epochText);
            Files.setLastModifiedTime(grubEfi, FileTime.fromMillis(epoch * 1000));
            Path kernelCopy = stamped(vmlinuz, work.resolve("vmlinuz"), epoch);
            Path initrdCopy = stamped(initrd, work.resolve("initrd.img"), epoch);

            copyIn(out, syslinuxCfg, "::/syslinux/syslinux.cfg", epochText);
            copyIn(out, grubEfi, "::/EFI/BOOT/BOOTX64.EFI", epochText);
            copyIn(out, kernelCopy, "::" + KERNEL, epochText);
            copyIn(out, initrdCopy, "::" + INITRD, epochText);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String syslinuxConfig(String cmdline) {
        return String.join("\n",
                "# Strata BIOS boot (syslinux). UEFI boots the same kernel through /EFI/BOOT/BOOTX64.EFI.",
                "SERIAL 0 115200",
                "DEFAULT strata",
                "PROMPT 0",
                "TIMEOUT 0",
                "LABEL strata",
                "  LINUX " + KERNEL,
                "  INITRD " + INITRD,
                "  APPEND " + cmdline,
                "");
    }

    static String grubConfig(String cmdline) {
        return String.join("\n",
                "# Strata UEFI boot (embedded in BOOTX64.EFI).",
                "serial --unit=0 --speed=115200",
                "terminal_input serial console",
                "terminal_output serial console",
                "search --no-floppy --file --set=root " + KERNEL,
                "linux " + KERNEL + " " + cmdline,
                "initrd " + INITRD,
                "boot",
                "");
    }

    private List<String> grubMkimage(Path out, Path config) {
        List<String> args = new java.util.ArrayList<>(List.of("grub-mkimage", "-O", "x86_64-efi", "-o", out.toString(),
                "-p", "/EFI/BOOT", "-c", config.toString()));
        args.addAll(GRUB_MODULES);
        return args;
    }

    private void copyIn(Path image, Path file, String target, String epoch) {
        run(List.of("mcopy", "-m", "-o", "-i", image.toString(), file.toString(), target), epoch);
    }

    private void run(List<String> args, String epoch) {
        // mtools and mkfs.fat take directory and file times from SOURCE_DATE_EPOCH: reproducible images.
        runner.run(CommandRunner.Command.of(args).withEnv("SOURCE_DATE_EPOCH", epoch).withEnv("MTOOLS_SKIP_CHECK", "1"));
    }

    private static Path write(Path file, String text, long epoch) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.fromMillis(epoch * 1000));
        return file;
    }

    private static Path stamped(Path source, Path copy, long epoch) throws IOException {
        Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(epoch * 1000));
        return copy;
    }
}
