package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.builder.boot.BootResult;
import dev.strata.builder.boot.BootTester;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.boot.Firmware;
import dev.strata.builder.format.ChecksumFiles;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.layout.Deletion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A normal user builds a template (mmdebstrap unshare mode, Strata's stages inside its user
 * namespace) and it boots. The test runs as root only to create that user; the build itself runs
 * as the user, from a copy of Strata's jars and the profile in a folder the user can read.
 */
class UnprivilegedBuildIT {

    private static final String USER = "strata-it";
    private static final Path DEBIAN_PROFILES = Path.of("..", "debian-profile", "profiles").toAbsolutePath().normalize();

    @Test
    void aNormalUserBuildsATemplateThatBoots() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create the test user");
        ensureUser();
        Path dir = Files.createTempDirectory("strata-unprivileged-");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            String classpath = copyClasspath(dir.resolve("lib"));
            copyTree(DEBIAN_PROFILES, dir.resolve("profiles"));
            Path debs = BuildOptions.defaultCacheDir().resolve("debs");
            if (Files.isDirectory(debs)) {
                copyTree(debs, dir.resolve("cache/debs")); // warm package cache: no download
            }
            Files.createDirectories(dir.resolve("cache"));
            run("chown", "-R", USER, dir.resolve("cache").toString());
            run("chown", USER, dir.toString());

            Proc.Result build = Proc.run("runuser", "-u", USER, "--", javaBin(), "-cp", classpath,
                    "dev.strata.cli.StrataCli", "build", "--profile", dir.resolve("profiles/debian.yaml").toString(),
                    "--hypervisor", "kvm", "--cache-dir", dir.resolve("cache").toString(),
                    "--output", dir.resolve("out").toString());
            assertThat(build.exitCode()).as(build.output()).isZero();
            assertThat(build.output()).contains("without root (mmdebstrap unshare mode)");

            Path out = dir.resolve("out");
            Path qcow = out.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");
            assertThat(qcow).isRegularFile();
            assertThat(Files.getOwner(qcow).getName()).isEqualTo(USER);
            assertThat(ChecksumFiles.verify(out)).isEmpty();

            Path scratch = Files.createDirectories(dir.resolve("scratch"));
            BootableImage.Disk disk = BootableImage.open(qcow, scratch);
            BootResult boot = new BootTester(msg -> System.out.println("[unprivileged boot] " + msg)).boot(disk.file(),
                    disk.qemuFormat(), new BootTester.Options(Firmware.BIOS,
                            Duration.ofSeconds(Long.parseLong(System.getProperty("strata.boot.timeout", "600"))), 512, true));
            assertThat(boot.passed()).as("%s%n%s", boot.reason(), String.join("\n", boot.consoleTail())).isTrue();
            assertThat(boot.readyLine()).contains("data=/dev/vda3");
        } finally {
            Deletion.deleteTree(dir);
        }
    }

    private static void ensureUser() throws Exception {
        if (Proc.run("id", USER).exitCode() != 0) {
            run("useradd", "--create-home", "--shell", "/bin/sh", USER);
        }
        if (!Files.readString(Path.of("/etc/subuid")).contains(USER + ":")) {
            run("usermod", "--add-subuids", "300000-365535", "--add-subgids", "300000-365535", USER);
        }
    }

    /** Strata's jars (or class folders) for the CLI, copied where the test user can read them. */
    private static String copyClasspath(Path lib) throws IOException {
        Files.createDirectories(lib);
        // This test JVM's own classpath: the CLI and everything it needs, whatever that becomes.
        Set<Path> entries = testClasspath();
        List<String> cp = new ArrayList<>();
        int n = 0;
        for (Path e : entries) {
            Path target = lib.resolve((n++) + "-" + e.getFileName());
            if (Files.isDirectory(e)) {
                copyTree(e, target);
            } else {
                Files.copy(e, target);
            }
            cp.add(target.toString());
        }
        run("chmod", "-R", "a+rX", lib.getParent().toString());
        return String.join(":", cp);
    }

    /**
     * The test JVM's classpath entries, following the Class-Path of a manifest-only jar (how
     * Failsafe starts its JVM), without the test classes themselves.
     */
    private static Set<Path> testClasspath() throws IOException {
        Set<Path> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            java.util.jar.Manifest manifest = null;
            if (e.endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
                    manifest = jar.getManifest();
                }
            }
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null && !classPath.isBlank()) {
                for (String url : classPath.trim().split("\\s+")) {
                    entries.add(Path.of(java.net.URI.create(url)));
                }
            } else {
                entries.add(p);
            }
        }
        entries.removeIf(p -> p.endsWith("test-classes") || !Files.exists(p));
        return entries;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        run("cp", "-a", from.toString(), to.toString());
        run("chmod", "-R", "a+rX", to.toString());
    }

    private static void run(String... args) throws IOException {
        try {
            Proc.Result r = Proc.run(args);
            if (r.exitCode() != 0) {
                throw new IllegalStateException(String.join(" ", args) + " failed: " + r.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
