package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.boot.BootableImage;
import dev.strata.builder.format.ChecksumFiles;
import dev.strata.builder.format.MetadataIni;
import dev.strata.builder.format.OvaReader;
import dev.strata.builder.format.OvaSummary;
import dev.strata.builder.format.VhdImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every file of the default bundle is what CloudStack expects. */
class BundleFilesIT {

    private static final List<String> FILES = List.of(
            "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2",
            "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2",
            "systemvmtemplate-4.22.0-x86_64-vmware.ova",
            "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip",
            "systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2");

    @Test
    void bundleHasEveryFileNamedAsCloudStackNamesIt() {
        for (String f : FILES) {
            assertThat(Bundle.dir().resolve(f)).isRegularFile();
        }
        assertThat(Bundle.dir().resolve("md5sum.txt")).isRegularFile();
        assertThat(Bundle.dir().resolve("sha512sum.txt")).isRegularFile();
    }

    @Test
    void checksumListsMatchTheFiles() throws IOException {
        assertThat(ChecksumFiles.verify(Bundle.dir())).isEmpty();
        String sha = Files.readString(Bundle.dir().resolve("sha512sum.txt"));
        for (String f : FILES) {
            assertThat(sha).contains("  " + f + "\n");
        }
    }

    @Test
    void metadataIniHasEveryKeyTheManagementServerReadsAndItsChecksumsMatch() throws IOException {
        Map<String, Map<String, String>> ini = MetadataIni.parse(
                Files.readString(Bundle.dir().resolve("metadata.ini"), StandardCharsets.UTF_8));
        assertThat(ini.get("default")).containsEntry("version", "4.22.0.0");
        assertThat(ini.keySet()).contains("kvm-x86_64", "xenserver", "vmware", "hyperv", "ovm3");
        for (String section : List.of("kvm-x86_64", "xenserver", "vmware", "hyperv", "ovm3")) {
            Map<String, String> s = ini.get(section);
            assertThat(s).containsKeys("templatename", "checksum", "downloadurl", "filename", "arch", "guestos");
            Path file = Bundle.dir().resolve(s.get("filename"));
            assertThat(file).isRegularFile();
            assertThat(s.get("checksum")).isEqualTo(ChecksumFiles.digest(file).sha512());
            assertThat(s.get("arch")).isEqualTo("x86_64");
        }
        assertThat(ini.get("kvm-x86_64").get("templatename")).isEqualTo("systemvm-kvm-4.22.0-x86_64");
        assertThat(ini.get("vmware").get("guestos")).isEqualTo("Other Linux (64-bit)");
        assertThat(ini.get("kvm-x86_64").get("guestos")).isEqualTo("Debian GNU/Linux 12 (64-bit)");
    }

    @Test
    void qemuImgReadsTheQcow2AsCompat010() throws Exception {
        JsonNode info = qemuInfo(Bundle.unpacked(".qcow2.bz2"));
        assertThat(info.get("format").asText()).isEqualTo("qcow2");
        assertThat(info.at("/format-specific/data/compat").asText()).isEqualTo("0.10");
        assertThat(info.get("virtual-size").asLong()).isEqualTo(2L << 30);
        assertThat(Proc.run("qemu-img", "check", Bundle.unpacked(".qcow2.bz2").file().toString()).exitCode()).isZero();
    }

    @Test
    void xenServerVhdIsDynamicAndPassesXenServerRules() throws Exception {
        BootableImage.Disk disk = Bundle.unpacked("-xen.vhd.bz2");
        JsonNode info = qemuInfo(disk);
        assertThat(info.get("format").asText()).isEqualTo("vpc");
        assertThat(info.get("virtual-size").asLong()).isEqualTo(2L << 30);
        VhdImage vhd = VhdImage.read(disk.file());
        assertThat(vhd.footer().diskType()).isEqualTo(3);
        assertThat(vhd.problemsForXenServer()).isEmpty();
    }

    @Test
    void hyperVVhdInsideTheZipIsReadable() throws Exception {
        JsonNode info = qemuInfo(Bundle.unpacked("-hyperv.vhd.zip"));
        assertThat(info.get("format").asText()).isEqualTo("vpc");
        assertThat(info.get("virtual-size").asLong()).isEqualTo(2L << 30);
    }

    @Test
    void ovaManifestMatchesAndDescribesAnLsiLogicVmWithOneCpuAnd256Mb() throws Exception {
        OvaSummary ova = OvaReader.verify(Bundle.file(".ova"));
        assertThat(ova.vcpus()).isEqualTo(1);
        assertThat(ova.memoryMb()).isEqualTo(256);
        assertThat(ova.controllerSubType()).isEqualTo("lsilogic");
        assertThat(ova.diskCapacityBytes()).isEqualTo(2L << 30);
        assertThat(ova.members().get(0)).endsWith(".ovf");
        JsonNode info = qemuInfo(Bundle.unpacked(".ova"));
        assertThat(info.get("format").asText()).isEqualTo("vmdk");
        assertThat(info.at("/format-specific/data/create-type").asText()).isEqualTo("streamOptimized");
    }

    @Test
    void ovmRawHasTheGptWithTheThreeStrataPartitions() throws Exception {
        BootableImage.Disk disk = Bundle.unpacked("-ovm.raw.bz2");
        assertThat(Files.size(disk.file())).isEqualTo(2L << 30);
        Proc.Result table = Proc.run("sfdisk", "--json", disk.file().toString());
        assertThat(table.exitCode()).isZero();
        JsonNode parts = new ObjectMapper().readTree(table.output()).at("/partitiontable/partitions");
        assertThat(parts.size()).isEqualTo(3);
        assertThat(parts.get(0).get("name").asText()).isEqualTo("strata-boot");
        assertThat(parts.get(1).get("name").asText()).isEqualTo("strata-root");
        assertThat(parts.get(2).get("name").asText()).isEqualTo("strata-data");
    }

    private static JsonNode qemuInfo(BootableImage.Disk disk) throws Exception {
        Proc.Result r = Proc.run("qemu-img", "info", "--output=json", "-f", disk.qemuFormat(), disk.file().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        return new ObjectMapper().readTree(r.output());
    }
}
