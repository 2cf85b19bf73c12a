package dev.strata.builder.rootfs;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.layout.Deletion;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.CommandFailedException;
import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the bootstrapped tree into the system VM's root: a working copy with the profile's
 * files and services, Strata's own mount points and first-boot rules, the kernel moved out to
 * the boot partition, and slimming applied.
 */
public final class RootfsCustomizer {

    /** A kernel for the boot partition. */
    public record KernelFiles(String release, Path vmlinuz) {
    }

    /** The customised root, the kernel per hypervisor, and what slimming removed. */
    public record Result(Path root, Map<Hypervisor, KernelFiles> kernels, Map<String, Long> slimmed,
                         List<DpkgStatus.InstalledPackage> packages) {
    }

    private final CommandRunner runner;

    public RootfsCustomizer(CommandRunner runner) {
        this.runner = runner;
    }

    /** Customises a copy of the bootstrapped tree, in {@code workDir/root}. */
    public Result customize(Profile profile, Path bootstrapped, Path workDir, long epoch) {
        Path root = workDir.resolve("root");
        try {
            Deletion.deleteTree(root);
            // cp keeps owners, modes, links, xattrs and hard links, and reflinks where the filesystem can.
            runner.run(CommandRunner.Command.of("cp", "-a", "--reflink=auto", bootstrapped.toString(), root.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return customizeInPlace(profile, root, workDir.resolve("kernels"), epoch);
    }

    /**
     * Customises the tree where it is (inside mmdebstrap's user namespace for unprivileged
     * builds); kernel images are copied to {@code kernelsDir}.
     */
    public Result customizeInPlace(Profile profile, Path root, Path kernelsDir, long epoch) {
        try {
            Deletion.deleteTree(kernelsDir);
            Files.createDirectories(kernelsDir);
            // Licences are read now: slimming removes /usr/share/doc.
            List<DpkgStatus.InstalledPackage> packages = DpkgStatus.withLicenses(DpkgStatus.read(root), root);
            addFiles(root, profile.files(), epoch);
            configureServices(root, profile);
            applyStrataContract(root, profile, epoch);
            Map<Hypervisor, KernelFiles> kernels = extractKernels(root, profile, packages, kernelsDir);
            Map<String, Long> slimmed = new Slimmer().slim(root, profile.slim(), profile.kernel());
            for (KernelFiles k : Set.copyOf(kernels.values())) {
                runner.run(CommandRunner.Command.of("depmod", "-b", root.toString(), k.release()));
            }
            return new Result(root, kernels, slimmed, packages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addFiles(Path root, List<FileEntry> files, long epoch) throws IOException {
        for (FileEntry f : files) {
            Path target = Slimmer.inside(root, f.target());
            Files.createDirectories(target.getParent());
            Files.copy(f.source(), target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, permissions(f.mode()));
            if ((f.mode() & 07000) != 0) {
                // set-uid, set-gid and sticky bits are beyond java.nio's permission set
                runner.run(CommandRunner.Command.of("chmod", Integer.toOctalString(f.mode()), target.toString()));
            }
            Files.setLastModifiedTime(target, FileTime.fromMillis(epoch * 1000));
        }
    }

    private void configureServices(Path root, Profile profile) {
        for (String unit : profile.services().enable()) {
            systemctl(root, "enable", unit);
        }
        for (String unit : profile.services().disable()) {
            if (unitExists(root, unit)) {
                systemctl(root, "disable", unit);
            }
        }
    }

    private static boolean unitExists(Path root, String unit) {
        return Stream.of("usr/lib/systemd/system/", "lib/systemd/system/", "etc/systemd/system/")
                .anyMatch(d -> Files.exists(root.resolve(d + unit), LinkOption.NOFOLLOW_LINKS));
    }

    private void systemctl(Path root, String verb, String unit) {
        try {
            runner.run(CommandRunner.Command.of("systemctl", "--root=" + root, "--quiet", verb, unit));
        } catch (CommandFailedException e) {
            throw new BuildFailure("rootfs", "cannot " + verb + " service '" + unit + "' (profile services."
                    + verb + "): " + String.join(" ", e.outputTail()));
        }
    }

    /**
     * What every Strata system VM needs whatever the profile: mount points for the data
     * partition and the layers, no baked-in identity (machine id, SSH host keys are made on first
     * boot: a template shared by every VR must not carry them), and a release file.
     */
    private static void applyStrataContract(Path root, Profile profile, long epoch) throws IOException {
        for (String dir : List.of("data", "router")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("etc/machine-id"), "");
        Path dbusId = root.resolve("var/lib/dbus/machine-id");
        Files.deleteIfExists(dbusId);
        try (Stream<Path> keys = Files.list(root.resolve("etc/ssh"))) {
            for (Path k : keys.filter(p -> p.getFileName().toString().startsWith("ssh_host_")).toList()) {
                Files.delete(k);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no SSH server in this profile
        }
        Path release = root.resolve("etc/strata/release");
        Files.createDirectories(release.getParent());
        Files.writeString(release, "STRATA_PROFILE=" + profile.name() + "\nSTRATA_VERSION=" + profile.version()
                + "\nSTRATA_SOURCE_DATE_EPOCH=" + epoch + "\n", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("etc/fstab"),
                "# Strata: the initramfs mounts /, /data, /etc, /var, /tmp and /router; see docs/boot.md\n");
    }

    /** Moves every kernel image out of /boot (it boots from the boot partition) and maps hypervisors to them. */
    private static Map<Hypervisor, KernelFiles> extractKernels(Path root, Profile profile,
                                                                List<DpkgStatus.InstalledPackage> packages,
                                                                Path kernelsDir) throws IOException {
        Map<String, KernelFiles> byPackage = new LinkedHashMap<>();
        Map<Hypervisor, KernelFiles> byHypervisor = new LinkedHashMap<>();
        for (Hypervisor h : Hypervisor.values()) {
            String pkg = profile.kernel().packageFor(h);
            KernelFiles files = byPackage.get(pkg);
            if (files == null) {
                String release = DpkgStatus.kernelRelease(packages, pkg);
                Path vmlinuz = root.resolve("boot/vmlinuz-" + release);
                if (!Files.isRegularFile(vmlinuz)) {
                    throw new BuildFailure("rootfs", "kernel package " + pkg + " installed no /boot/vmlinuz-" + release);
                }
                Path out = kernelsDir.resolve(release);
                Files.createDirectories(out);
                Files.copy(vmlinuz, out.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
                files = new KernelFiles(release, out.resolve("vmlinuz"));
                byPackage.put(pkg, files);
            }
            byHypervisor.put(h, files);
        }
        // The root image does not need the kernel images or the (unused) distribution initramfs.
        List<Path> bootFiles = new ArrayList<>();
        try (Stream<Path> boot = Files.list(root.resolve("boot"))) {
            boot.forEach(bootFiles::add);
        }
        for (Path p : bootFiles) {
            Deletion.deleteTree(p);
        }
        for (String link : List.of("vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old")) {
            Files.deleteIfExists(root.resolve(link));
        }
        return byHypervisor;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        return perms;
    }
}
