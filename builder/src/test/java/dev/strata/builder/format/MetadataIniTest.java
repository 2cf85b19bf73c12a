package dev.strata.builder.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataIniTest {

    private static final String REPO = "https://templates.example.org/systemvm/";

    private static String hex(char c) {
        return String.valueOf(c).repeat(128);
    }

    private static MetadataEntry entry(String section, String file, char sum) {
        String hv = section.contains("-") ? section.substring(0, section.indexOf('-')) : section;
        String arch = MetadataIni.archOf(section);
        return new MetadataEntry(section, "systemvm-" + hv + "-4.22.0-" + arch, file, hex(sum),
                REPO + "4.22/" + file, arch, MetadataIni.defaultGuestOs(section));
    }

    private static List<MetadataEntry> allHypervisors() {
        // Deliberately not in file order: the writer sorts.
        return List.of(
                entry("ovm3", "systemvmtemplate-4.22.0-x86_64-ovm.raw.bz2", 'e'),
                entry("xenserver", "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2", 'c'),
                entry("kvm-aarch64", "systemvmtemplate-4.22.0-aarch64-kvm.qcow2.bz2", 'f'),
                entry("vmware", "systemvmtemplate-4.22.0-x86_64-vmware.ova", 'b'),
                entry("hyperv", "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip", 'd'),
                entry("kvm-x86_64", "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2", 'a'));
    }

    @Test
    void writesUpstreamLayoutExactly() {
        String text = MetadataIni.build("4.22.0.0", REPO,
                List.of(entry("vmware", "systemvmtemplate-4.22.0-x86_64-vmware.ova", 'b')));

        // Same bytes templateConfig.sh echoes: leading empty line, " = ", empty line after each section.
        assertThat(text).isEqualTo("\n"
                + "[default]\n"
                + "version = 4.22.0.0\n"
                + "downloadrepository = https://templates.example.org/systemvm/\n"
                + "\n"
                + "[vmware]\n"
                + "templatename = systemvm-vmware-4.22.0-x86_64\n"
                + "checksum = " + hex('b') + "\n"
                + "downloadurl = https://templates.example.org/systemvm/4.22/systemvmtemplate-4.22.0-x86_64-vmware.ova\n"
                + "filename = systemvmtemplate-4.22.0-x86_64-vmware.ova\n"
                + "arch = x86_64\n"
                + "guestos = Other Linux (64-bit)\n"
                + "\n");
    }

    @Test
    void roundTripsAllHypervisorsInFixedOrder() {
        String text = MetadataIni.build("4.22.0.0", REPO, allHypervisors());
        Map<String, Map<String, String>> parsed = MetadataIni.parse(text);

        assertThat(parsed.keySet()).containsExactly(
                "default", "kvm-x86_64", "kvm-aarch64", "vmware", "xenserver", "hyperv", "ovm3");
        assertThat(parsed.get("default")).containsExactly(
                Map.entry("version", "4.22.0.0"), Map.entry("downloadrepository", REPO));
        assertThat(parsed.get("kvm-aarch64").keySet()).containsExactly(
                "templatename", "checksum", "downloadurl", "filename", "arch", "guestos");
        assertThat(parsed.get("kvm-aarch64")).containsEntry("arch", "aarch64")
                .containsEntry("templatename", "systemvm-kvm-4.22.0-aarch64")
                .containsEntry("guestos", "Debian GNU/Linux 12 (64-bit)");
        assertThat(parsed.get("xenserver")).containsEntry("guestos", "Other Linux (64-bit)")
                .containsEntry("checksum", hex('c'));
        assertThat(parsed.get("hyperv")).containsEntry("filename", "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip");

        assertThat(MetadataIni.entries(parsed)).containsExactlyInAnyOrderElementsOf(allHypervisors());
        // Deterministic: same input, same text, whatever the input order.
        List<MetadataEntry> reversed = new ArrayList<>(allHypervisors());
        Collections.reverse(reversed);
        assertThat(MetadataIni.build("4.22.0.0", REPO, reversed)).isEqualTo(text);
    }

    @Test
    void omitsRepositoryWhenNotGiven() {
        String text = MetadataIni.build("4.22.0", List.of(entry("kvm-x86_64", "a.qcow2.bz2", 'a')));
        assertThat(MetadataIni.parse(text).get("default")).containsOnlyKeys("version");
    }

    @Test
    void normalisesUpperCaseChecksum() {
        MetadataEntry e = new MetadataEntry("kvm-x86_64", "t", "f.qcow2.bz2", "AB".repeat(64),
                REPO + "f.qcow2.bz2", "x86_64", "Debian GNU/Linux 12 (64-bit)");
        assertThat(e.sha512()).isEqualTo("ab".repeat(64));
    }

    @Test
    void rejectsWhatTheServerWouldMisread() {
        List<MetadataEntry> one = List.of(entry("kvm-x86_64", "a.qcow2.bz2", 'a'));
        // KVM has no bare-section fallback on the server.
        assertThatThrownBy(() -> MetadataIni.build("4.22.0.0", List.of(entry("kvm", "a", 'a'))))
                .hasMessageContaining("unknown section");
        assertThatThrownBy(() -> MetadataIni.build("4.22", one)).hasMessageContaining("version");
        assertThatThrownBy(() -> MetadataIni.build("4.22.0.0",
                List.of(one.get(0), entry("kvm-x86_64", "b", 'b')))).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new MetadataEntry("vmware", "t", "f", "a".repeat(127), REPO + "f", "x86_64", "g"))
                .hasMessageContaining("128 hex");
        assertThatThrownBy(() -> new MetadataEntry("vmware", "t\\x", "f", hex('a'), REPO + "f", "x86_64", "g"))
                .hasMessageContaining("backslash");
        assertThatThrownBy(() -> new MetadataEntry("vmware", "t", "f", hex('a'), REPO + "f\n", "x86_64", "g"))
                .hasMessageContaining("blanks");
        assertThatThrownBy(() -> MetadataIni.build("4.22.0.0", List.of(new MetadataEntry("kvm-aarch64", "t", "f",
                hex('a'), REPO + "f", "x86_64", "g")))).hasMessageContaining("arch");
    }

    @Test
    void parserSkipsCommentsAndRejectsDuplicates() {
        Map<String, Map<String, String>> p = MetadataIni.parse("; c\n# c\n[default]\nversion=4.22.0.0\n");
        assertThat(p.get("default")).containsEntry("version", "4.22.0.0");
        assertThatThrownBy(() -> MetadataIni.parse("[a]\nk = 1\nk = 2\n")).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> MetadataIni.parse("k = 1\n")).hasMessageContaining("outside a section");
    }
}
