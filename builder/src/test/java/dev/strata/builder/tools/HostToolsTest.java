package dev.strata.builder.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostToolsTest {

    @TempDir
    Path tmp;

    private static List<HostTool> all() {
        return HostTools.BY_STAGE.values().stream().flatMap(List::stream).toList();
    }

    private Path executable(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path f = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void buildStagesComeFirstThenTheTestGroups() {
        List<String> names = new ArrayList<>(HostTools.BY_STAGE.keySet());
        assertThat(names).containsAll(HostTools.BUILD_GROUPS);
        assertThat(names.subList(0, HostTools.BUILD_GROUPS.size() + 1))
                .as("build stages (and the unprivileged rootfs) first, in build order")
                .containsExactlyInAnyOrderElementsOf(concat(HostTools.BUILD_GROUPS, "rootfs-unprivileged"));
        assertThat(HostTools.testGroups()).contains("boot-test", "build-tests", "agent-tests", "seeder-tests")
                .as("the unprivileged build test needs newuidmap even as root").contains("rootfs-unprivileged")
                .doesNotContainAnyElementsOf(HostTools.BUILD_GROUPS);
        assertThat(HostTools.toolsOf(List.of("customize"))).extracting(HostTool::command).contains("depmod");
        assertThat(HostTools.toolsOf(List.of("customize"))).filteredOn(t -> t.command().equals("depmod"))
                .extracting(HostTool::debianPackage).containsExactly("kmod");
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    @Test
    void eachToolOnceInAGroupAndOnePackagePerProgram() {
        Map<String, String> packageOf = new HashMap<>();
        HostTools.BY_STAGE.forEach((group, tools) -> {
            Set<String> seen = new LinkedHashSet<>();
            for (HostTool t : tools) {
                assertThat(seen.add(t.command())).as(t.command() + " twice in " + group).isTrue();
                assertThat(t.debianPackage()).as(t.command()).matches("[a-z0-9][a-z0-9.+-]+");
                assertThat(t.purpose()).as(t.command()).isNotBlank();
                String before = packageOf.putIfAbsent(t.command(), t.debianPackage());
                assertThat(before == null || before.equals(t.debianPackage()))
                        .as(t.command() + " declared with two packages: " + before + " and " + t.debianPackage()).isTrue();
            }
        });
        List<HostTool> all = HostTools.toolsOf(HostTools.BY_STAGE.keySet());
        assertThat(all).extracting(HostTool::command).doesNotHaveDuplicates();
        assertThat(HostTools.packagesOf(all)).doesNotHaveDuplicates();
    }

    @Test
    void anUnknownGroupIsAnError() {
        assertThatThrownBy(() -> HostTools.toolsOf(List.of("agent-test")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host-tool group 'agent-test'")
                .hasMessageContaining("agent-tests");
    }

    @Test
    void missingIsWhatAFakePathAndTreeLack() throws IOException {
        Path bin = tmp.resolve("bin");
        executable(bin, "mmdebstrap");
        Files.writeString(bin.resolve("nft"), "not executable");
        executable(tmp.resolve("usr/sbin"), "depmod"); // sbin is searched though not on PATH
        HostTools.Host host = new HostTools.Host(List.of(bin), tmp);

        assertThat(HostTools.missing(List.of("rootfs"), host)).extracting(HostTool::command)
                .containsExactly("mount", "/usr/share/keyrings/debian-archive-keyring.gpg");
        executable(bin, "mount");
        Files.createDirectories(tmp.resolve("usr/share/keyrings"));
        Files.writeString(tmp.resolve("usr/share/keyrings/debian-archive-keyring.gpg"), "key");
        assertThat(HostTools.missing(List.of("rootfs"), host)).isEmpty();

        List<HostTool> agent = HostTools.missing(List.of("agent-tests"), host);
        assertThat(agent).extracting(HostTool::command).contains("nft", "ip", "openssl");
        assertThat(HostTools.missing(List.of("customize"), host)).extracting(HostTool::command)
                .containsExactly("cp", "chmod", "systemctl");
        assertThat(host.find("depmod")).isEqualTo(tmp.resolve("usr/sbin/depmod"));
        assertThat(host.find("nft")).as("a file that is not executable is not the program").isNull();
    }

    @Test
    void theInstallLineIsExact() {
        List<HostTool> tools = List.of(new HostTool("depmod", "kmod", "x"), new HostTool("nft", "nftables", "y"),
                new HostTool("mksquashfs", "squashfs-tools", "z"), new HostTool("unsquashfs", "squashfs-tools", "w"));
        assertThat(HostTools.installCommand(tools))
                .isEqualTo("sudo apt-get install -y --no-install-recommends kmod nftables squashfs-tools");
        assertThat(HostTools.aptInstall(HostTools.packagesOf(tools))).containsExactly("apt-get", "-q", "-y",
                "-o", "DPkg::Lock::Timeout=600", "install", "--no-install-recommends", "kmod", "nftables", "squashfs-tools");
        assertThat(HostTools.aptGet("update")).containsExactly("apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=600", "update");
        MissingToolsException e = new MissingToolsException(tools.subList(0, 1), HostTools.installCommand(tools.subList(0, 1)));
        assertThat(e).hasMessage("missing host tools: depmod; install them with: sudo apt-get install -y --no-install-recommends kmod");
    }

    @Test
    void packageListsAreStaleWhenMissingEmptyOrOld() throws IOException {
        HostTools.Host host = new HostTools.Host(List.of(), tmp);
        Instant now = Instant.now();
        assertThat(HostTools.listsStale(host, now)).as("no lists folder").isTrue();
        Path lists = Files.createDirectories(tmp.resolve("var/lib/apt/lists"));
        Files.writeString(lists.resolve("lock"), "");
        assertThat(HostTools.listsStale(host, now)).as("empty, as mmdebstrap and container images leave it").isTrue();
        Path packages = Files.writeString(lists.resolve("deb.example_debian_dists_bookworm_main_binary-amd64_Packages"), "");
        assertThat(HostTools.listsStale(host, now)).isFalse();
        Files.setLastModifiedTime(packages, FileTime.from(now.minus(Duration.ofDays(3))));
        assertThat(HostTools.listsStale(host, now)).as("three days old").isTrue();
    }

    /** Every declared package exists for this host's apt (a typo would only show on a fresh machine). */
    @Test
    void everyPackageIsKnownToApt() throws Exception {
        assumeTrue(HostTools.findOnPath("apt-cache") != null, "apt-cache (a Debian-family host)");
        List<String> packages = HostTools.packagesOf(all());
        List<String> cmd = new ArrayList<>(List.of("apt-cache", "policy"));
        cmd.addAll(packages);
        String out = run(cmd);
        for (String p : packages) {
            assertThat(out).as("apt knows " + p).containsPattern("(?m)^" + java.util.regex.Pattern.quote(p) + "(:amd64)?:\\n\\s+Installed");
        }
    }

    /** Where a declared tool is installed here, dpkg says the declared package ships it. */
    @Test
    void theDeclaredPackageShipsTheToolWhereItIsInstalled() throws Exception {
        assumeTrue(HostTools.findOnPath("dpkg-query") != null, "dpkg-query (a Debian-family host)");
        // Each installed tool under the spellings dpkg may know it by (merged /usr, symlinks).
        Map<HostTool, List<String>> spellings = new java.util.LinkedHashMap<>();
        for (HostTool t : HostTools.toolsOf(HostTools.BY_STAGE.keySet())) {
            Path p = t.command().startsWith("/") ? Path.of(t.command()) : HostTools.findOnPath(t.command());
            if (p == null || !Files.exists(p) || p.startsWith("/usr/local")) {
                continue;
            }
            List<String> names = new ArrayList<>(List.of(p.toString()));
            if (p.toString().startsWith("/usr/")) {
                names.add(p.toString().substring(4));
            }
            names.add(p.toRealPath().toString());
            spellings.put(t, names);
        }
        List<String> cmd = new ArrayList<>(List.of("dpkg-query", "-S"));
        spellings.values().forEach(cmd::addAll);
        Map<String, Set<String>> owners = new HashMap<>(); // path -> packages, from one dpkg-query run
        for (String line : run(cmd).lines().toList()) {
            int colon = line.indexOf(": ");
            if (line.startsWith("diversion ") || colon < 0) {
                continue;
            }
            Set<String> pkgs = owners.computeIfAbsent(line.substring(colon + 2), k -> new LinkedHashSet<>());
            for (String pkg : line.substring(0, colon).split(",\\s*")) {
                pkgs.add(pkg.replaceAll(":.*", ""));
            }
        }
        int checked = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<HostTool, List<String>> e : spellings.entrySet()) {
            Set<String> found = e.getValue().stream().filter(owners::containsKey).findFirst().map(owners::get).orElse(Set.of());
            if (found.isEmpty()) {
                continue; // not from a package (installed by hand): nothing to compare
            }
            checked++;
            if (!found.contains(e.getKey().debianPackage())) {
                wrong.add(e.getKey().command() + ": declared " + e.getKey().debianPackage() + ", shipped by " + found);
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).as("tools checked against dpkg").isGreaterThan(20);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
