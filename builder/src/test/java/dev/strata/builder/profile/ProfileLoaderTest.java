package dev.strata.builder.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLoaderTest {

    /** Lines 1-12; tests append sections from line 13 on, or replace a line, to put an error at a known place. */
    private static final String MINIMAL = """
            schema: 1
            name: mini
            version: 4.22.0
            distribution:
              name: debian
              suite: bookworm
              release: "12"
              architecture: amd64
            kernel:
              package: linux-image-amd64
            outputs:
              - {hypervisor: kvm, format: qcow2, compression: bzip2}
            """;

    private static final long MIB = 1024L * 1024;

    @TempDir
    Path dir;

    private final ProfileLoader loader = new ProfileLoader();

    // ---- loading -------------------------------------------------------------------------

    @Test
    void loadsTheDebianProfile() {
        Path file = Path.of("..", "debian-profile", "profiles", "debian.yaml");

        Profile profile = loader.load(file);

        assertThat(profile.source()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(profile.schema()).isEqualTo(1);
        assertThat(profile.name()).isEqualTo("debian");
        assertThat(profile.version()).isEqualTo("4.22.0");
        assertThat(profile.distribution().suite()).isEqualTo("bookworm");
        assertThat(profile.distribution().release()).isEqualTo("12");
        assertThat(profile.distribution().variant()).isEqualTo("essential");
        assertThat(profile.distribution().components()).containsExactly("main");
        assertThat(profile.packages()).startsWith("systemd", "systemd-sysv").endsWith("tiny-initramfs");
        assertThat(profile.kernel().packageName()).isEqualTo("linux-image-amd64");
        assertThat(profile.kernel().packageFor(Hypervisor.VMWARE)).isEqualTo("linux-image-amd64");
        assertThat(profile.kernel().cmdline()).contains("console=hvc0", "console=ttyS0,115200n8");
        assertThat(profile.kernel().initramfsModules()).startsWith("virtio_pci").endsWith("ext4")
                .contains("virtio_blk", "mptspi", "hv_storvsc", "xen-blkfront", "squashfs", "overlay");
        assertThat(profile.kernel().modules()).contains("kernel/drivers/virtio/", "kernel/drivers/net/vrf.ko");
        assertThat(profile.outputs()).hasSize(5);
        assertThat(profile.outputs().get(0).fileName("4.22.0", profile.distribution().cloudstackArch()))
                .isEqualTo("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");
        assertThat(profile.outputs().get(2)).isEqualTo(new Output(Hypervisor.VMWARE, DiskFormat.OVA, Compression.NONE));
        assertThat(profile.size().diskSize()).isEqualTo(2147483648L);
        assertThat(profile.size().rootImageMax()).isEqualTo(200 * MIB);
        assertThat(profile.size().dataSize()).isEqualTo(320 * MIB);
        assertThat(profile.rootImage()).isEqualTo(new RootImage(RootFilesystem.SQUASHFS, "zstd"));
        assertThat(profile.services().enable()).contains("ssh.service", "strata-grow-data.service");
        assertThat(profile.services().disable()).contains("apt-daily.timer");
        assertThat(profile.slim().remove()).containsKeys("docs", "locales", "apt-lists-and-caches", "logs",
                "boot-leftovers");
        assertThat(profile.slim().keep()).containsExactly("/usr/share/locale/locale.alias");

        assertThat(profile.files()).isNotEmpty().allSatisfy(f -> assertThat(f.source()).isAbsolute().exists());
        assertThat(profile.files()).filteredOn(f -> f.target().equals("/usr/lib/strata/strata-ready"))
                .singleElement().extracting(FileEntry::mode).isEqualTo(0755);
        assertThat(profile.files()).filteredOn(f -> f.target().equals("/etc/hostname"))
                .singleElement().extracting(FileEntry::mode).isEqualTo(0644);
        assertThat(profile.layer().name()).isEqualTo("router");
        assertThat(profile.layer().files()).extracting(FileEntry::target)
                .startsWith("VERSION", "bin/strata-agent", "agent.jvm.options", "bin/strata-health", "bin/strata")
                .contains("opt/cloud/bin/update_config.py", "opt/cloud/bin/vr_cfg.sh", "opt/cloud/bin/get_template_version.sh");
        assertThat(profile.layer().version()).isEqualTo("4.22.0");
        assertThat(profile.layer().minRootVersion()).isEqualTo("4.22.0");
        assertThat(profile.layer().javaModules()).startsWith("java.base");
        assertThat(profile.layer().entryPoint()).isEqualTo("bin/strata-agent");
        assertThat(profile.layer().healthCheck()).isEqualTo("bin/strata-health");
        assertThat(profile.layer().services()).containsKey("strata-agent.service");
        assertThat(profile.extension().name()).isEqualTo("systemvm");
        assertThat(profile.extension().packages()).contains("openjdk-17-jre-headless", "apache2", "nfs-common");
        assertThat(profile.extension().files()).extracting(FileEntry::target)
                .contains("/usr/lib/strata/systemvm/setup", "/usr/lib/strata/systemvm/keystore-cert-import");
        assertThat(concat(profile.files(), profile.layer().files())).allSatisfy(f -> {
            assertThat(f.source()).isAbsolute();
            assertThat(f.source()).isRegularFile();
        });
    }

    @Test
    void appliesDefaults() throws IOException {
        Path file = write("mini.yaml", MINIMAL);

        Profile profile = loader.load(file);

        assertThat(profile.source()).isEqualTo(file);
        assertThat(profile.description()).isEmpty();
        assertThat(profile.distribution().variant()).isEqualTo("essential");
        assertThat(profile.distribution().components()).containsExactly("main");
        assertThat(profile.packages()).isEmpty();
        assertThat(profile.files()).isEmpty();
        assertThat(profile.kernel()).isEqualTo(new Kernel("linux-image-amd64", Map.of(), List.of(), List.of(), ""));
        assertThat(profile.services()).isEqualTo(new Services(List.of(), List.of()));
        assertThat(profile.slim()).isEqualTo(new Slimming(Map.of(), List.of()));
        assertThat(profile.size()).isEqualTo(new SizeBudget(512 * MIB, 2048 * MIB, 64 * MIB));
        assertThat(profile.rootImage()).isEqualTo(new RootImage(RootFilesystem.SQUASHFS, "zstd"));
        assertThat(profile.layer()).isEqualTo(new Layer("router", profile.version(), profile.version(), List.of(), "", "",
                120, Map.of(), List.of()));
        assertThat(profile.outputs()).containsExactly(new Output(Hypervisor.KVM, DiskFormat.QCOW2, Compression.BZIP2));
        assertThat(profile.extension()).isEqualTo(Extension.NONE);
        assertThat(profile.extension().present()).isFalse();
    }

    @Test
    void readsTheSystemVmExtension() throws IOException {
        write("setup", "#!/bin/sh\n");
        Path file = write("x.yaml", MINIMAL + "extension:\n  name: systemvm\n  packages: [apache2, nfs-common]\n"
                + "  files:\n    - {source: setup, target: /usr/lib/strata/systemvm/setup, mode: \"0755\"}\n"
                + "  links:\n    /usr/local/cloud: /var/lib/strata/cloud\n");

        Extension x = loader.load(file).extension();

        assertThat(x.name()).isEqualTo("systemvm");
        assertThat(x.version()).isEqualTo("4.22.0");
        assertThat(x.fileName()).isEqualTo("systemvm-4.22.0.raw");
        assertThat(x.packages()).containsExactly("apache2", "nfs-common");
        assertThat(x.files()).extracting(FileEntry::target).containsExactly("/usr/lib/strata/systemvm/setup");
        assertThat(x.links()).containsEntry("/usr/local/cloud", "/var/lib/strata/cloud");
    }

    @Test
    void extensionFilesOutsideUsrAndOptAreRefused() throws IOException {
        write("setup", "#!/bin/sh\n");
        Path file = write("x.yaml", MINIMAL + "extension:\n  name: systemvm\n"
                + "  files:\n    - {source: setup, target: /etc/setup, mode: \"0755\"}\n");

        assertThatThrownBy(() -> loader.load(file)).isInstanceOf(ProfileException.class)
                .hasMessageContaining("extension file target '/etc/setup' is not under /usr/ or /opt/");
    }

    @Test
    void readsSizesModesAndPerHypervisorKernels() throws IOException {
        write("files/tool", "#!/bin/sh\n");
        Path file = write("p.yaml", MINIMAL.replace("  package: linux-image-amd64\n", """
                  package: linux-image-cloud-amd64
                  hypervisors: {vmware: linux-image-amd64}
                """) + """
                files:
                  - {source: files/tool, target: /usr/bin/tool, mode: 0755}
                size:
                  root-image-max: 512KiB
                  disk: 3G
                  data: 1048576
                """);

        Profile profile = loader.load(file);

        assertThat(profile.kernel().packageFor(Hypervisor.VMWARE)).isEqualTo("linux-image-amd64");
        assertThat(profile.kernel().packageFor(Hypervisor.KVM)).isEqualTo("linux-image-cloud-amd64");
        assertThat(profile.files()).containsExactly(new FileEntry(dir.resolve("files/tool"), "/usr/bin/tool", 0755));
        assertThat(profile.size()).isEqualTo(new SizeBudget(512 * 1024, 3072 * MIB, MIB));
    }

    @Test
    void extendsMergesParentThenChild() throws IOException {
        write("files/parent-file", "p");
        write("files/shared", "parent's");
        write("child/files/child-file", "c");
        write("child/files/shared", "child's");
        write("base.yaml", MINIMAL.replace("  package: linux-image-amd64\n", """
                  package: linux-image-amd64
                  modules: [kernel/fs/ext4/]
                """) + """
                description: the parent
                packages: [systemd, udev]
                files:
                  - {source: files/parent-file, target: /etc/parent, mode: "0644"}
                  - {source: files/shared, target: /etc/shared, mode: "0644"}
                services:
                  enable: [ssh.service]
                slim:
                  remove:
                    docs: [/usr/share/doc/*]
                    logs: [/var/log/*]
                  keep: [/usr/share/doc/keep]
                size:
                  disk: 4GiB
                """);
        Path child = write("child/child.yaml", """
                extends: ../base.yaml
                name: child
                packages: [udev, nftables]
                kernel:
                  modules: [kernel/fs/ext4/, kernel/net/]
                  cmdline: quiet
                files:
                  - {source: files/child-file, target: /etc/child, mode: "0600"}
                  - {source: files/shared, target: /etc/shared, mode: "0640"}
                services:
                  enable: [strata-ready.service]
                  disable: [apt-daily.timer]
                slim:
                  remove:
                    docs: [/usr/share/man/*]
                size:
                  data: 128MiB
                outputs:
                  - {hypervisor: vmware, format: ova, compression: none}
                """);

        Profile profile = loader.load(child);

        assertThat(profile.source()).isEqualTo(child);
        assertThat(profile.name()).isEqualTo("child");
        assertThat(profile.version()).isEqualTo("4.22.0");
        assertThat(profile.description()).isEqualTo("the parent");
        assertThat(profile.packages()).containsExactly("systemd", "udev", "nftables");
        assertThat(profile.kernel().packageName()).isEqualTo("linux-image-amd64");
        assertThat(profile.kernel().modules()).containsExactly("kernel/fs/ext4/", "kernel/net/");
        assertThat(profile.kernel().cmdline()).isEqualTo("quiet");
        // Each source is resolved next to the file that named it; the child's /etc/shared wins in place.
        assertThat(profile.files()).containsExactly(
                new FileEntry(dir.resolve("files/parent-file"), "/etc/parent", 0644),
                new FileEntry(dir.resolve("child/files/shared"), "/etc/shared", 0640),
                new FileEntry(dir.resolve("child/files/child-file"), "/etc/child", 0600));
        assertThat(profile.services()).isEqualTo(new Services(List.of("ssh.service", "strata-ready.service"),
                List.of("apt-daily.timer")));
        assertThat(profile.slim().remove()).isEqualTo(Map.of("docs", List.of("/usr/share/man/*"),
                "logs", List.of("/var/log/*")));
        assertThat(profile.slim().keep()).containsExactly("/usr/share/doc/keep");
        assertThat(profile.size()).isEqualTo(new SizeBudget(512 * MIB, 4096 * MIB, 128 * MIB));
        assertThat(profile.outputs()).containsExactly(new Output(Hypervisor.VMWARE, DiskFormat.OVA, Compression.NONE));
    }

    // ---- extends errors ------------------------------------------------------------------

    @Test
    void extendsCycleNamesTheChain() throws IOException {
        Path a = write("a.yaml", "extends: b.yaml\n" + MINIMAL);
        Path b = write("b.yaml", "schema: 1\nextends: a.yaml\n");

        assertFails(a, b, 2, 10, "extends cycle: " + a + " -> " + b + " -> " + a);
    }

    @Test
    void profileExtendingItselfIsACycle() throws IOException {
        Path a = write("a.yaml", MINIMAL + "extends: ./a.yaml\n");

        assertFails(a, a, 13, 10, "extends cycle: " + a + " -> " + a);
    }

    @Test
    void extendsOfAMissingFile() throws IOException {
        Path a = write("a.yaml", MINIMAL + "extends: nowhere.yaml\n");

        assertFails(a, a, 13, 10, "file not found: " + dir.resolve("nowhere.yaml"));
    }

    @Test
    void errorsInAParentPointIntoTheParent() throws IOException {
        Path parent = write("base.yaml", MINIMAL + "packages: [systemd, Udev]\n");
        Path child = write("child.yaml", "extends: base.yaml\npackages: [nftables]\n");

        assertFails(child, parent, 13, 21, "invalid package name 'Udev'");
    }

    @Test
    void errorsInAChildPointIntoTheChild() throws IOException {
        write("base.yaml", MINIMAL);
        Path child = write("child.yaml", "extends: base.yaml\nversion: 4.22\n");

        assertFails(child, child, 2, 10, "invalid version '4.22'");
    }

    @Test
    void unknownKeyInAParentIsReportedInTheParent() throws IOException {
        Path parent = write("base.yaml", MINIMAL + "size:\n  disc: 2GiB\n");
        Path child = write("child.yaml", "extends: base.yaml\n");

        assertFails(child, parent, 14, 3, "unknown key 'disc' in size; allowed: root-image-max, disk, data");
    }

    // ---- keys and types ------------------------------------------------------------------

    @Test
    void unknownTopLevelKeyListsTheAllowedKeys() throws IOException {
        Path file = write("p.yaml", MINIMAL + "pakages: [systemd]\n");

        assertFails(file, file, 13, 1, "unknown key 'pakages' in profile; allowed: schema, extends, name, "
                + "description, version, distribution, packages, kernel, files, services, slim, size, root-image, "
                + "outputs, layer, extension");
    }

    @Test
    void unknownNestedKeyListsTheAllowedKeys() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  suite: bookworm", "  sute: bookworm"));

        assertFails(file, file, 6, 3,
                "unknown key 'sute' in distribution; allowed: name, suite, release, architecture, variant, components");
    }

    @Test
    void unknownKeyInAListEntry() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("compression: bzip2}", "compression: bzip2, arch: x86_64}"));

        assertFails(file, file, 12, 58, "unknown key 'arch' in outputs[0]; allowed: hypervisor, format, compression");
    }

    @Test
    void stringWhereAListIsExpected() throws IOException {
        Path file = write("p.yaml", MINIMAL + "packages: systemd\n");

        assertFails(file, file, 13, 11, "expected a list for 'packages', found a string");
    }

    @Test
    void listWhereAMappingIsExpected() throws IOException {
        Path file = write("p.yaml", MINIMAL + "size: [2GiB]\n");

        assertFails(file, file, 13, 7, "expected a mapping for 'size', found a list");
    }

    @Test
    void mappingWhereAStringIsExpected() throws IOException {
        Path file = write("p.yaml", MINIMAL + "services:\n  enable: [{ssh: yes}]\n");

        assertFails(file, file, 14, 12, "expected a string for 'services.enable[0]', found a mapping");
    }

    @Test
    void topLevelMustBeAMapping() throws IOException {
        Path file = write("p.yaml", "- schema: 1\n");

        assertFails(file, file, 1, 1, "expected a mapping at the top of the profile, found a list");
    }

    @Test
    void duplicateKey() throws IOException {
        Path file = write("p.yaml", MINIMAL + "name: other\n");

        assertFails(file, file, 13, 1, "duplicate key 'name' (first at line 2)");
    }

    // ---- YAML ----------------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorHasTheParsersPosition() throws IOException {
        Path file = write("p.yaml", MINIMAL + "description: a: b\n");

        assertFails(file, file, 13, 15, "YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void unclosedQuoteIsReportedWhereTheFileEnds() throws IOException {
        Path file = write("p.yaml", MINIMAL + "description: \"open\n");

        assertFails(file, file, 14, 1, "YAML syntax error: found unexpected end of stream",
                "while scanning a quoted scalar at line 13, column 14");
    }

    @Test
    void aliasesAreRejected() throws IOException {
        Path file = write("p.yaml", MINIMAL + "description: &d text\nlayer:\n  name: *d\n");

        assertFails(file, file, 15, 9, "YAML aliases (*d) are not supported");
    }

    @Test
    void secondDocumentIsRejected() throws IOException {
        Path file = write("p.yaml", MINIMAL + "---\nname: other\n");

        assertFails(file, file, 14, 1, "a profile is one YAML document");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = write("p.yaml", "# nothing\n");

        assertFails(file, file, 0, 0, "the file is empty");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.yaml");

        assertFails(file, file, 0, 0, "file not found: " + file);
    }

    // ---- schema and required values ------------------------------------------------------

    @Test
    void unsupportedSchemaIsReportedBeforeUnknownKeys() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("schema: 1", "schema: 2") + "future-key: x\n");

        assertFails(file, file, 1, 9, "unsupported profile schema 2; this Strata reads schema 1");
    }

    @Test
    void schemaMustBeAnInteger() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("schema: 1", "schema: one"));

        assertFails(file, file, 1, 9, "expected an integer for 'schema', found 'one'");
    }

    @Test
    void schemaIsRequired() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("schema: 1\n", "# no schema\n"));

        assertFails(file, file, 2, 1, "missing required key 'schema'");
    }

    @Test
    void missingNestedKeyIsReportedAtItsSection() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  suite: bookworm\n", ""));

        assertFails(file, file, 5, 3, "missing required key 'distribution.suite'");
    }

    @Test
    void missingSectionIsReportedAtTheTop() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("kernel:\n  package: linux-image-amd64\n", ""));

        assertFails(file, file, 1, 1, "missing required key 'kernel.package'");
    }

    @Test
    void emptyRequiredValue() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  suite: bookworm", "  suite: \"\""));

        assertFails(file, file, 6, 10, "'distribution.suite' must not be empty");
    }

    @Test
    void nullValue() throws IOException {
        Path file = write("p.yaml", MINIMAL + "description:\n");

        assertFails(file, file, 13, 13, "expected a string for 'description', found nothing (null)");
    }

    @Test
    void invalidName() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("name: mini", "name: Mini"));

        assertFails(file, file, 2, 7, "invalid profile name 'Mini'");
    }

    @Test
    void invalidVersion() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("version: 4.22.0", "version: 4.22.x"));

        assertFails(file, file, 3, 10, "invalid version '4.22.x'");
    }

    // ---- names ---------------------------------------------------------------------------

    @Test
    void invalidPackageName() throws IOException {
        Path file = write("p.yaml", MINIMAL + "packages: [systemd, Bad_Pkg]\n");

        assertFails(file, file, 13, 21, "invalid package name 'Bad_Pkg'; expected Debian package names");
    }

    @Test
    void invalidKernelPackageName() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("package: linux-image-amd64", "package: linux image"));

        assertFails(file, file, 10, 12, "invalid package name 'linux image'");
    }

    @Test
    void invalidInitramfsModuleName() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  package: linux-image-amd64\n",
                "  package: linux-image-amd64\n  initramfs-modules: [virtio_blk, fs/ext4]\n"));

        assertFails(file, file, 11, 35, "invalid kernel module name 'fs/ext4'");
    }

    @Test
    void invalidKernelModulePath() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  package: linux-image-amd64\n",
                "  package: linux-image-amd64\n  modules:\n    - kernel/fs/\n    - ../secrets/\n"));

        assertFails(file, file, 13, 7, "invalid kernel module path '../secrets/'");
    }

    @Test
    void unknownHypervisorInKernelHypervisors() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("  package: linux-image-amd64\n",
                "  package: linux-image-amd64\n  hypervisors: {vmwar: linux-image-amd64}\n"));

        assertFails(file, file, 11, 17, "unknown hypervisor 'vmwar'; allowed: kvm, xenserver, vmware, hyperv, ovm3");
    }

    @Test
    void invalidServiceName() throws IOException {
        Path file = write("p.yaml", MINIMAL + "services:\n  enable: [ssh.service]\n  disable: [ssh]\n");

        assertFails(file, file, 15, 13, "invalid service name 'ssh'; expected a systemd unit name ending in .service");
    }

    @Test
    void serviceNameWithASlash() throws IOException {
        Path file = write("p.yaml", MINIMAL + "services:\n  enable: [system/ssh.service]\n");

        assertFails(file, file, 14, 12, "invalid service name 'system/ssh.service'");
    }

    // ---- files ---------------------------------------------------------------------------

    @Test
    void missingFileSource() throws IOException {
        Path file = write("p.yaml", MINIMAL + """
                files:
                  - source: files/missing
                    target: /etc/missing
                    mode: "0644"
                """);

        assertFails(file, file, 14, 13, "file not found: " + dir.resolve("files/missing"));
    }

    @Test
    void fileTargetMustBeAbsolute() throws IOException {
        write("files/x", "x");
        Path file = write("p.yaml", MINIMAL + "files:\n  - {source: files/x, target: etc/x, mode: \"0644\"}\n");

        assertFails(file, file, 14, 31, "invalid files[0].target 'etc/x'; expected an absolute path");
    }

    @Test
    void fileTargetMustNotClimb() throws IOException {
        write("files/x", "x");
        Path file = write("p.yaml", MINIMAL + "files:\n  - {source: files/x, target: /etc/../x, mode: \"0644\"}\n");

        assertFails(file, file, 14, 31, "invalid files[0].target '/etc/../x'");
    }

    @Test
    void duplicateFileTarget() throws IOException {
        write("files/x", "x");
        Path file = write("p.yaml", MINIMAL + """
                files:
                  - {source: files/x, target: /etc/x, mode: "0644"}
                  - {source: files/x, target: /etc/x, mode: "0600"}
                """);

        assertFails(file, file, 15, 31, "duplicate target '/etc/x' (first at " + file + ":14:31)");
    }

    @Test
    void layerTargetMustBeRelative() throws IOException {
        write("files/VERSION", "4.22.0");
        Path file = write("p.yaml", MINIMAL + """
                layer:
                  files:
                    - source: files/VERSION
                      target: /VERSION
                      mode: "0644"
                """);

        assertFails(file, file, 16, 15, "invalid layer.files[0].target '/VERSION'; expected a relative path");
    }

    @Test
    void layerTargetMustNotClimb() throws IOException {
        write("files/VERSION", "4.22.0");
        Path file = write("p.yaml", MINIMAL + "layer:\n  files: [{source: files/VERSION, target: ../VERSION, mode: 644}]\n");

        assertFails(file, file, 14, 43, "invalid layer.files[0].target '../VERSION'");
    }

    @Test
    void invalidMode() throws IOException {
        write("files/x", "x");
        Path file = write("p.yaml", MINIMAL + "files:\n  - {source: files/x, target: /etc/x, mode: \"0855\"}\n");

        assertFails(file, file, 14, 45, "invalid mode '0855'; expected an octal string from \"0000\" to \"7777\"");
    }

    @Test
    void modeWithTooManyDigits() throws IOException {
        write("files/x", "x");
        Path file = write("p.yaml", MINIMAL + "files:\n  - {source: files/x, target: /etc/x, mode: 10644}\n");

        assertFails(file, file, 14, 45, "invalid mode '10644'");
    }

    // ---- slimming ------------------------------------------------------------------------

    @Test
    void slimPathMustBeAbsolute() throws IOException {
        Path file = write("p.yaml", MINIMAL + "slim:\n  remove:\n    docs: [/usr/share/doc/*, usr/share/man/*]\n");

        assertFails(file, file, 15, 30, "invalid slim path 'usr/share/man/*'; expected an absolute path");
    }

    @Test
    void slimKeepPathMustBeAbsolute() throws IOException {
        Path file = write("p.yaml", MINIMAL + "slim:\n  keep:\n    - locale.alias\n");

        assertFails(file, file, 15, 7, "invalid slim keep path 'locale.alias'; expected an absolute path");
    }

    // ---- sizes ---------------------------------------------------------------------------

    @Test
    void invalidSize() throws IOException {
        Path file = write("p.yaml", MINIMAL + "size:\n  root-image-max: 200MiB\n  disk: 2GB\n");

        assertFails(file, file, 15, 9, "invalid size '2GB' for 'size.disk'; expected a number of bytes, "
                + "or a whole number followed by KiB, MiB, GiB or TiB");
    }

    @Test
    void diskMustHoldDataAndTheSystem() throws IOException {
        Path file = write("p.yaml", MINIMAL + "size:\n  disk: 320MiB\n  data: 64MiB\n");

        assertFails(file, file, 14, 9, "size.disk (320MiB) must be larger than size.data (64MiB) + 256MiB");
    }

    @Test
    void defaultDiskIsBlamedOnTheData() throws IOException {
        Path file = write("p.yaml", MINIMAL + "size:\n  data: 1792MiB\n");

        assertFails(file, file, 14, 9, "size.disk (2GiB) must be larger than size.data (1792MiB) + 256MiB");
    }

    // ---- enums and outputs ---------------------------------------------------------------

    @Test
    void unknownHypervisor() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("hypervisor: kvm", "hypervisor: kvmm"));

        assertFails(file, file, 12, 18, "unknown hypervisor 'kvmm'; allowed: kvm, xenserver, vmware, hyperv, ovm3");
    }

    @Test
    void unknownFormat() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("format: qcow2", "format: qcow3"));

        assertFails(file, file, 12, 31, "unknown format 'qcow3'; allowed: qcow2, vhd, ova, raw");
    }

    @Test
    void unknownCompression() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace("compression: bzip2", "compression: gzip"));

        assertFails(file, file, 12, 51, "unknown compression 'gzip'; allowed: none, bzip2, zip");
    }

    @Test
    void unknownRootFilesystem() throws IOException {
        Path file = write("p.yaml", MINIMAL + "root-image:\n  filesystem: ext4\n");

        assertFails(file, file, 14, 15, "unknown root filesystem 'ext4'; allowed: erofs, squashfs");
    }

    @Test
    void outputFieldIsRequired() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace(", compression: bzip2", ""));

        assertFails(file, file, 12, 5, "missing required key 'outputs[0].compression'");
    }

    @Test
    void duplicateOutputNamesBothLines() throws IOException {
        Path file = write("p.yaml", MINIMAL + "  - {hypervisor: xenserver, format: vhd, compression: bzip2}\n"
                + "  - {hypervisor: kvm, format: qcow2, compression: none}\n");

        assertFails(file, file, 14, 5, "duplicate output for hypervisor kvm in format qcow2: line 12 and line 14");
    }

    @Test
    void outputsMustNotBeEmpty() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace(
                "outputs:\n  - {hypervisor: kvm, format: qcow2, compression: bzip2}\n", "outputs: []\n"));

        assertFails(file, file, 11, 10, "'outputs' needs at least one entry");
    }

    @Test
    void outputsAreRequired() throws IOException {
        Path file = write("p.yaml", MINIMAL.replace(
                "outputs:\n  - {hypervisor: kvm, format: qcow2, compression: bzip2}\n", ""));

        assertFails(file, file, 1, 1, "missing required key 'outputs'");
    }

    // ---- helpers -------------------------------------------------------------------------

    /**
     * Loads {@code loaded} and checks the error is at exactly {@code file:line:column}, both in
     * the exception's fields and at the start of its message, and that the message has each text.
     */
    private void assertFails(Path loaded, Path file, int line, int column, String... texts) {
        assertThatThrownBy(() -> loader.load(loaded))
                .isInstanceOfSatisfying(ProfileException.class, e -> {
                    assertThat(e.file()).as("file").isEqualTo(file);
                    assertThat(e.line()).as("line of: " + e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as("column of: " + e.getMessage()).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith(file + ":" + line + ":" + column + ": ");
                    for (String text : texts) {
                        assertThat(e.getMessage()).contains(text);
                    }
                });
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static List<FileEntry> concat(List<FileEntry> a, List<FileEntry> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
