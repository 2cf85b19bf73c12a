package dev.strata.builder.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which host tools each build stage needs, checks whether they are
 * there, and installs the missing ones with apt-get when that is possible (root on a
 * Debian-family host), or else says the exact command to run.
 */
public final class HostTools {

    /** Stage name to the tools it runs. Order is the build order. */
    public static final Map<String, List<HostTool>> BY_STAGE = stages();

    private HostTools() {
    }

    private static Map<String, List<HostTool>> stages() {
        Map<String, List<HostTool>> m = new LinkedHashMap<>();
        m.put("rootfs", List.of(
                new HostTool("mmdebstrap", "mmdebstrap", "bootstraps the Debian root filesystem"),
                new HostTool("/usr/share/keyrings/debian-archive-keyring.gpg", "debian-archive-keyring",
                        "verifies the Debian archive")));
        m.put("rootfs-unprivileged", List.of(
                new HostTool("newuidmap", "uidmap", "maps subordinate ids for mmdebstrap's unshare mode (builds without root)")));
        m.put("layer", List.of(
                new HostTool("jlink", "openjdk-17-jdk-headless", "makes the layer's small Java runtime"),
                new HostTool("mksquashfs", "squashfs-tools", "packs the layer into one compressed image"),
                new HostTool("unsquashfs", "squashfs-tools", "unpacks the layer onto the data partition")));
        m.put("extension", List.of(
                new HostTool("mksquashfs", "squashfs-tools", "packs the system VM extension (systemd-sysext image)")));
        m.put("root-image", List.of(
                new HostTool("mksquashfs", "squashfs-tools", "builds a squashfs root image"),
                new HostTool("mkfs.erofs", "erofs-utils", "builds an erofs root image")));
        m.put("data-partition", List.of(
                new HostTool("mkfs.ext4", "e2fsprogs", "formats the data partition inside a file"),
                new HostTool("debugfs", "e2fsprogs", "fixes inode times on the data partition (reproducible bytes)")));
        m.put("boot-partition", List.of(
                new HostTool("mkfs.fat", "dosfstools", "formats the EFI system partition inside a file"),
                new HostTool("mcopy", "mtools", "copies files into the FAT image without mounting it"),
                new HostTool("syslinux", "syslinux", "installs the BIOS boot loader into the FAT image"),
                new HostTool("/usr/lib/SYSLINUX/gptmbr.bin", "syslinux", "BIOS boot code for a GPT disk"),
                new HostTool("/usr/lib/syslinux/modules/bios/ldlinux.c32", "syslinux-common", "BIOS boot loader modules"),
                new HostTool("grub-mkimage", "grub-common", "builds the UEFI boot loader"),
                new HostTool("/usr/lib/grub/x86_64-efi/linux.mod", "grub-efi-amd64-bin", "UEFI GRUB modules")));
        m.put("disk", List.of(
                new HostTool("sfdisk", "fdisk", "writes the GPT partition table into a regular file")));
        m.put("formats", List.of(
                new HostTool("qemu-img", "qemu-utils", "converts the disk to qcow2, vhd and vmdk"),
                new HostTool("lbzip2", "lbzip2", "bzip2 compression on every core")));
        m.put("systemvm-tests", List.of(
                new HostTool("iptables-restore", "iptables", "checks the SSVM/CPVM firewall baselines (--test)"),
                new HostTool("openssl", "openssl", "makes the CA and certificate keystore-cert-import installs"),
                new HostTool("keytool", "openjdk-17-jdk-headless", "reads the key stores the keystore scripts write"),
                new HostTool("unzip", "unzip", "unpacks the stand-in agent.zip (cloud-prepare)"),
                new HostTool("unshare", "util-linux", "a private mount namespace for the stand-in agent's mounts")));
        m.put("boot-test", List.of(
                new HostTool("qemu-system-x86_64", "qemu-system-x86", "boots images to verify them"),
                new HostTool("/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf", "UEFI firmware for boot tests")));
        m.put("seeder-tests", List.of(
                new HostTool("mariadbd", "mariadb-server", "the seeder tests' private database server"),
                new HostTool("mariadb-install-db", "mariadb-server", "creates that server's data folder"),
                new HostTool("mariadb", "mariadb-client", "loads CloudStack's schema.sql/data.sql (procedures, views)"),
                new HostTool("lbzip2", "lbzip2", "unpacks bzip2 templates on every core (else Commons Compress)")));
        // CloudStack drop-in tests (issue 13): the /opt/cloud/bin fronts' transport, and the host
        // emulator's ssh/scp to port 3922 and its traffic probes.
        m.put("cloudstack-tests", List.of(
                new HostTool("socat", "socat", "the fronts' transport to the agent socket; traffic probes"),
                new HostTool("ssh", "openssh-client", "the host emulator's ssh to the system VM on 3922"),
                new HostTool("scp", "openssh-client", "the host emulator's legacy-SCP uploads"),
                new HostTool("ssh-keygen", "openssh-client", "the management server's key pair in tests")));
        m.put("package-tests", List.of(
                new HostTool("mmdebstrap", "mmdebstrap", "makes the Debian 12 root the management package is installed into"),
                new HostTool("chroot", "coreutils", "runs dpkg inside that root"),
                new HostTool("dpkg-deb", "dpkg", "lists the built package's contents and control fields")));
        return m;
    }

    /** Whether a tool is present: a file path exists, or a command is on PATH. */
    public static boolean isPresent(HostTool tool) {
        if (tool.command().startsWith("/")) {
            return Files.exists(Path.of(tool.command()));
        }
        return findOnPath(tool.command()) != null;
    }

    public static Path findOnPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        Set<String> dirs = new LinkedHashSet<>(List.of(path.split(":")));
        // Tools such as mkfs.* live in sbin, which is not on every user's PATH.
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public static List<HostTool> missing(Collection<String> stageNames) {
        List<HostTool> missing = new ArrayList<>();
        for (String stage : stageNames) {
            for (HostTool tool : BY_STAGE.getOrDefault(stage, List.of())) {
                if (!isPresent(tool) && !missing.contains(tool)) {
                    missing.add(tool);
                }
            }
        }
        return missing;
    }

    public static List<String> packagesOf(List<HostTool> tools) {
        return tools.stream().map(HostTool::debianPackage).distinct().toList();
    }

    /** The exact command a person runs to install these tools. */
    public static String installCommand(List<HostTool> tools) {
        return "sudo apt-get install -y " + String.join(" ", packagesOf(tools));
    }

    public static boolean canInstall() {
        return isRoot() && Files.exists(Path.of("/etc/debian_version")) && findOnPath("apt-get") != null;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || Files.isWritable(Path.of("/root"));
    }

    /**
     * Makes sure the stages' tools are present: installs them with apt-get when root on a
     * Debian-family host (telling the user), or throws with the command to run.
     */
    public static void ensure(Collection<String> stageNames, CommandRunner runner, java.util.function.Consumer<String> say) {
        List<HostTool> missing = missing(stageNames);
        if (missing.isEmpty()) {
            return;
        }
        List<String> packages = packagesOf(missing);
        if (!canInstall()) {
            throw new MissingToolsException(missing, installCommand(missing));
        }
        say.accept("installing missing host tools with apt-get: " + String.join(" ", packages));
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(packages);
        CommandRunner.Command cmd = CommandRunner.Command.of(install).withEnv("DEBIAN_FRONTEND", "noninteractive");
        try {
            runner.run(cmd);
        } catch (CommandFailedException first) {
            // A fresh machine has no package lists yet.
            runner.run(CommandRunner.Command.of("apt-get", "update", "-q"));
            runner.run(cmd);
        }
        List<HostTool> still = missing(stageNames);
        if (!still.isEmpty()) {
            throw new MissingToolsException(still, installCommand(still));
        }
    }
}
