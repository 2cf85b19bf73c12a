package dev.strata.builder.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The one declared list of every program Strata runs on the host, at build time and in its tests,
 * with the Debian package that provides it and what it is for; grouped by build stage, then one
 * group per test area. It checks whether they are there and installs the missing ones with
 * apt-get when that is possible (root on a Debian-family host), or else says the exact command.
 *
 * <p>Read by: the build ({@code BuildPipeline}: the {@link #BUILD_GROUPS}), {@code strata doctor}
 * (all groups), the reactor's first module {@code host-setup} (which runs {@link #main} before any
 * module's tests: build groups for {@code -DskipTests}, every group otherwise), and through it
 * {@code .ci/run}. {@code HostToolsSourceScanTest} fails when a program run somewhere in the sources
 * is not declared here.
 *
 * <p><b>Adding a program:</b> add one {@code new HostTool(command, debianPackage, purpose)} line to
 * the group of the stage or test area that runs it (a new area gets its own {@code m.put("area",
 * List.of(...))} line; every group that is not a build stage is a test group and is installed by
 * {@code ./mvnw verify}). {@code command} is the name looked up on PATH (sbin included), or an
 * absolute path for a data file such as firmware. Programs from Essential packages (coreutils, sh,
 * util-linux...) are declared too: the list says what runs, and a present tool costs nothing.
 */
public final class HostTools {

    /** Group name to the tools it runs. Build stages first, in build order; then the test areas. */
    public static final Map<String, List<HostTool>> BY_STAGE = stages();

    /** The groups a build needs ({@code ./mvnw package -DskipTests}, {@code strata build}). */
    public static final List<String> BUILD_GROUPS = List.of("rootfs", "layer", "extension", "customize", "root-image",
            "data-partition", "boot-partition", "disk", "formats");

    /** apt-get waits this long for the dpkg lock (another apt run, unattended-upgrades) before failing. */
    static final Duration DPKG_LOCK_WAIT = Duration.ofMinutes(10);

    /** Package lists older than this are refreshed before an install (their versions may be gone). */
    static final Duration LISTS_MAX_AGE = Duration.ofHours(24);

    private HostTools() {
    }

    private static Map<String, List<HostTool>> stages() {
        Map<String, List<HostTool>> m = new LinkedHashMap<>();
        // ---- build stages ----
        m.put("rootfs", List.of(
                new HostTool("mmdebstrap", "mmdebstrap", "bootstraps the Debian root filesystem"),
                new HostTool("mount", "mount", "mmdebstrap's root mode mounts /proc, /sys and /dev in the tree (a Recommends of it)"),
                new HostTool("/usr/share/keyrings/debian-archive-keyring.gpg", "debian-archive-keyring",
                        "verifies the Debian archive")));
        m.put("rootfs-unprivileged", List.of(
                new HostTool("newuidmap", "uidmap", "maps subordinate ids for mmdebstrap's unshare mode (builds without root)")));
        m.put("layer", List.of(
                new HostTool("jlink", "openjdk-17-jdk-headless", "makes the layer's small Java runtime"),
                new HostTool("objcopy", "binutils", "jlink --strip-debug runs it on the runtime's native libraries"),
                new HostTool("mksquashfs", "squashfs-tools", "packs the layer into one compressed image"),
                new HostTool("unsquashfs", "squashfs-tools", "unpacks the layer onto the data partition")));
        m.put("extension", List.of(
                new HostTool("mksquashfs", "squashfs-tools", "packs the system VM extension (systemd-sysext image)")));
        m.put("customize", List.of(
                new HostTool("cp", "coreutils", "copies the bootstrapped tree into the working copy"),
                new HostTool("chmod", "coreutils", "sets the modes of the profile's files"),
                new HostTool("depmod", "kmod", "indexes the kernel modules the initramfs and root image keep"),
                new HostTool("systemctl", "systemd", "enables and masks the profile's services (--root, offline)")));
        m.put("root-image", List.of(
                new HostTool("mksquashfs", "squashfs-tools", "builds a squashfs root image"),
                new HostTool("mkfs.erofs", "erofs-utils", "builds an erofs root image")));
        m.put("data-partition", List.of(
                new HostTool("mkfs.ext4", "e2fsprogs", "formats the data partition inside a file"),
                new HostTool("debugfs", "e2fsprogs", "fixes inode times on the data partition (reproducible bytes)")));
        m.put("boot-partition", List.of(
                new HostTool("mkfs.fat", "dosfstools", "formats the EFI system partition inside a file"),
                new HostTool("mmd", "mtools", "makes folders in the FAT image without mounting it"),
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
                new HostTool("keytool", "openjdk-17-jre-headless", "reads the key stores the keystore scripts write"),
                new HostTool("unzip", "unzip", "unpacks the stand-in agent.zip (cloud-prepare)"),
                new HostTool("unshare", "util-linux", "a private mount namespace for the stand-in agent's mounts")));
        // ---- tests (every group below is installed by ./mvnw verify before the first test) ----
        m.put("boot-test", List.of(
                new HostTool("qemu-system-x86_64", "qemu-system-x86", "boots images to verify them"),
                new HostTool("/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf", "UEFI firmware for boot tests"),
                new HostTool("/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf", "UEFI variable store template for boot tests")));
        m.put("build-tests", List.of(
                new HostTool("sh", "dash", "runs the small scripts of the runner, layer and health-gate tests"),
                new HostTool("cat", "coreutils", "the command runner's input and output tests"),
                new HostTool("echo", "coreutils", "the command runner's argument-list test"),
                new HostTool("mount", "mount", "a small tmpfs to fill up in the disk-full and stage-cache tests"),
                new HostTool("umount", "mount", "removes the tests' tmpfs"),
                new HostTool("tar", "tar", "reads the OVA back in the format and bundle tests"),
                new HostTool("sha256sum", "coreutils", "checks the OVA manifest"),
                new HostTool("sha512sum", "coreutils", "checks the bundle's sha512sum.txt"),
                new HostTool("md5sum", "coreutils", "checks the bundle's md5sum.txt"),
                new HostTool("id", "coreutils", "whether the unprivileged build test's user exists"),
                new HostTool("useradd", "passwd", "makes the user of the unprivileged build test"),
                new HostTool("usermod", "passwd", "gives that user subordinate uid/gid ranges"),
                new HostTool("chown", "coreutils", "hands that user its folders"),
                new HostTool("runuser", "util-linux", "runs the unprivileged build as that user"),
                new HostTool("mkfifo", "coreutils", "makes the FIFO that the layer hardening test must refuse")));
        m.put("agent-tests", List.of(
                new HostTool("nft", "nftables", "the agent's firewall and NAT: one nftables transaction"),
                new HostTool("ip", "iproute2", "the agent's addresses and routes; the tests' network namespaces and veths"),
                new HostTool("sysctl", "procps", "turns on forwarding in the test router's namespace"),
                new HostTool("ping", "iputils-ping", "traffic through the test router"),
                new HostTool("openssl", "openssl", "makes the mutual-TLS tests' CA and certificates"),
                new HostTool("iptables", "iptables", "the rules benchmark's per-rule baseline (bench/agent-rules.sh)"),
                new HostTool("taskset", "util-linux", "pins the rules benchmark's processes to one CPU"),
                new HostTool("jcmd", "openjdk-17-jdk-headless", "reads the agent's native memory in the large-router test"),
                new HostTool("stat", "coreutils", "checks the agent socket's mode and owner"),
                new HostTool("rm", "coreutils", "removes the tests' work folders")));
        m.put("seeder-tests", List.of(
                new HostTool("mariadbd", "mariadb-server-core", "a real MariaDB started by the seeder's tests (not as a service)"),
                new HostTool("mariadb-install-db", "mariadb-server-core", "makes that MariaDB's data folder"),
                new HostTool("mariadb", "mariadb-client-core", "loads CloudStack's schema.sql/data.sql (procedures, views)"),
                new HostTool("my_print_defaults", "mariadb-client-core", "mariadb-install-db runs it (found by bench/fresh-machine.sh)"),
                new HostTool("mount.nfs", "nfs-common", "the NFS client the seeder runs to mount secondary storage"),
                new HostTool("setpriv", "util-linux", "runs the seeder as nobody in the permission test"),
                new HostTool("lbzip2", "lbzip2", "the seeder's fast bzip2 decoder, and its test")));
        m.put("agent-dhcp", List.of(
                new HostTool("dnsmasq", "dnsmasq-base", "the VR's DHCP and DNS daemon, run by the agent's tests (and in the VM)"),
                new HostTool("setpriv", "util-linux", "gives test daemons the agent's death as theirs (--supervisor process)"),
                new HostTool("busybox", "busybox", "udhcpc, the real DHCP client of the guest-services test"),
                new HostTool("dig", "bind9-dnsutils", "resolves guest names from a guest namespace in the guest-services test"),
                new HostTool("curl", "curl", "reads passwords and metadata from a guest namespace"),
                new HostTool("kill", "procps", "signals a daemon run as the agent's child (--supervisor process): SIGHUP to reload")));
        // CloudStack drop-in tests (issue 13): the /opt/cloud/bin fronts' transport, and the host
        // emulator's ssh/scp to port 3922 and its traffic probes.
        m.put("cloudstack-tests", List.of(
                new HostTool("socat", "socat", "the fronts' transport to the agent socket; traffic probes"),
                new HostTool("ssh", "openssh-client", "the host emulator's ssh to the system VM on 3922"),
                new HostTool("scp", "openssh-client", "the host emulator's legacy-SCP uploads"),
                new HostTool("ssh-keygen", "openssh-client", "the management server's key pair in tests"),
                new HostTool("bash", "bash", "runs the /opt/cloud/bin fronts and the early-configuration scripts in tests"),
                new HostTool("env", "coreutils", "runs a front with the test agent's socket in its environment"),
                new HostTool("timeout", "coreutils", "bounds the host emulator's traffic probes")));
        m.put("package-tests", List.of(
                new HostTool("mmdebstrap", "mmdebstrap", "makes the Debian 12 root the management package is installed into"),
                new HostTool("chroot", "coreutils", "runs dpkg inside that root"),
                new HostTool("dpkg-deb", "dpkg", "lists the built package's contents and control fields")));
        return m;
    }

    /**
     * Every group that is not a build stage: what the tests need on top of the build. Includes
     * rootfs-unprivileged: the unprivileged build test runs mmdebstrap's unshare mode as root too.
     */
    public static List<String> testGroups() {
        return BY_STAGE.keySet().stream().filter(g -> !BUILD_GROUPS.contains(g)).toList();
    }

    /** The tools of these groups in declaration order, each once; an unknown group name is an error. */
    public static List<HostTool> toolsOf(Collection<String> groups) {
        List<HostTool> tools = new ArrayList<>();
        for (String group : groups) {
            List<HostTool> inGroup = BY_STAGE.get(group);
            if (inGroup == null) {
                throw new IllegalArgumentException("no host-tool group '" + group + "' (known: " + BY_STAGE.keySet() + ")");
            }
            for (HostTool tool : inGroup) {
                if (tools.stream().noneMatch(t -> t.command().equals(tool.command()))) {
                    tools.add(tool);
                }
            }
        }
        return tools;
    }

    /**
     * Where tools are looked for: the PATH folders and the root for absolute files (so that tests
     * can point it at a fake tree), plus the sbin folders, which are not on every user's PATH.
     */
    public record Host(List<Path> path, Path root) {

        public Host {
            path = List.copyOf(path);
        }

        public static Host current() {
            String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            return new Host(Stream.of(path.split(":")).filter(s -> !s.isEmpty()).map(Path::of).toList(), Path.of("/"));
        }

        public Path file(String absolute) {
            return root.resolve(absolute.substring(1));
        }

        public Path find(String command) {
            Set<Path> dirs = new LinkedHashSet<>(path);
            for (String sbin : List.of("/usr/local/sbin", "/usr/sbin", "/sbin")) {
                dirs.add(file(sbin));
            }
            for (Path dir : dirs) {
                Path candidate = dir.resolve(command);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        public boolean has(HostTool tool) {
            return tool.command().startsWith("/") ? Files.exists(file(tool.command())) : find(tool.command()) != null;
        }
    }

    /** Whether a tool is present: a file path exists, or a command is on PATH. */
    public static boolean isPresent(HostTool tool) {
        return Host.current().has(tool);
    }

    public static Path findOnPath(String command) {
        return Host.current().find(command);
    }

    public static List<HostTool> missing(Collection<String> groups) {
        return missing(groups, Host.current());
    }

    public static List<HostTool> missing(Collection<String> groups, Host host) {
        return toolsOf(groups).stream().filter(t -> !host.has(t)).toList();
    }

    public static List<String> packagesOf(List<HostTool> tools) {
        return tools.stream().map(HostTool::debianPackage).distinct().toList();
    }

    /** The exact command a person runs to install these tools. */
    public static String installCommand(List<HostTool> tools) {
        return "sudo apt-get install -y --no-install-recommends " + String.join(" ", packagesOf(tools));
    }

    /** The apt-get command the build itself runs as root (waits for the dpkg lock, no questions). */
    static List<String> aptGet(String... args) {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-q", "-y",
                "-o", "DPkg::Lock::Timeout=" + DPKG_LOCK_WAIT.toSeconds()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<String> aptInstall(List<String> packages) {
        List<String> cmd = aptGet("install", "--no-install-recommends");
        cmd.addAll(packages);
        return cmd;
    }

    /**
     * Whether {@code apt-get update} must run first: no package lists at all (a fresh machine or
     * container), or the newest is older than {@link #LISTS_MAX_AGE} (its versions may be gone).
     */
    static boolean listsStale(Host host, Instant now) {
        Path lists = host.file("/var/lib/apt/lists");
        if (!Files.isDirectory(lists)) {
            return true;
        }
        try (Stream<Path> files = Files.list(lists)) {
            Instant newest = files.filter(p -> p.getFileName().toString().contains("_Packages"))
                    .map(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toInstant();
                        } catch (java.io.IOException e) {
                            return Instant.EPOCH;
                        }
                    })
                    .max(Instant::compareTo).orElse(null);
            return newest == null || newest.isBefore(now.minus(LISTS_MAX_AGE));
        } catch (java.io.IOException e) {
            return true;
        }
    }

    public static boolean canInstall() {
        return isRoot() && Files.exists(Path.of("/etc/debian_version")) && findOnPath("apt-get") != null;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || Files.isWritable(Path.of("/root"));
    }

    /**
     * Makes sure the groups' tools are present: installs them with apt-get when root on a
     * Debian-family host (telling the user), or throws with the command to run.
     */
    public static void ensure(Collection<String> groups, CommandRunner runner, Consumer<String> say) {
        List<HostTool> missing = missing(groups);
        if (missing.isEmpty()) {
            return;
        }
        List<String> packages = packagesOf(missing);
        if (!canInstall()) {
            throw new MissingToolsException(missing, installCommand(missing));
        }
        say.accept("installing missing host tools with apt-get: " + String.join(" ", packages)
                + " (for " + missing.stream().map(HostTool::command).toList() + ")");
        CommandRunner.Command install = CommandRunner.Command.of(aptInstall(packages))
                .withEnv("DEBIAN_FRONTEND", "noninteractive");
        CommandRunner.Command update = CommandRunner.Command.of(aptGet("update"));
        if (listsStale(Host.current(), Instant.now())) {
            say.accept("package lists are missing or older than " + LISTS_MAX_AGE.toHours() + " h: apt-get update");
            runner.run(update);
        }
        try {
            runner.run(install);
        } catch (CommandFailedException first) {
            // Lists fresh by date may still predate a removed version: refresh once and retry.
            say.accept("apt-get install failed (" + first.getMessage().lines().findFirst().orElse("") + "); apt-get update, then again");
            runner.run(update);
            runner.run(install);
        }
        List<HostTool> still = missing(groups);
        if (!still.isEmpty()) {
            throw new MissingToolsException(still, installCommand(still));
        }
    }

    /**
     * {@code java dev.strata.builder.tools.HostTools [--build-only] [GROUP...]}: ensures the groups
     * (default: every group; {@code --build-only}: the build's), printing what it installs. Exit 0
     * when all is there, 1 with the exact install command otherwise. Run by the host-setup module.
     */
    public static void main(String[] args) {
        List<String> groups = new ArrayList<>();
        boolean buildOnly = false;
        for (String a : args) {
            if (a.equals("--build-only")) {
                buildOnly = true;
            } else if (a.equals("--skip-tests=true") || a.equals("--skip-tests")) {
                buildOnly = true;
            } else if (!a.startsWith("--skip-tests=")) {
                groups.add(a);
            }
        }
        if (groups.isEmpty()) {
            groups.addAll(buildOnly ? BUILD_GROUPS : BY_STAGE.keySet());
            if (buildOnly && !isRoot()) {
                groups.add("rootfs-unprivileged");
            }
        }
        try {
            ensure(groups, new CommandRunner(null), line -> System.out.println("[host-tools] " + line));
            System.out.println("[host-tools] " + toolsOf(groups).size() + " host tools present for " + groups);
        } catch (MissingToolsException | CommandFailedException | IllegalArgumentException e) {
            System.err.println("[host-tools] " + e.getMessage());
            System.exit(1);
        }
    }
}
