package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.seeder.bundle.Bundle;
import dev.strata.seeder.bundle.BundleReader;
import dev.strata.seeder.bundle.BundleVerifier;
import dev.strata.seeder.bundle.BundledTemplate;
import dev.strata.seeder.bundle.SystemVmHypervisor;
import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.TemplateStore;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a bundle as the server reads metadata.ini, and refusing what would escape the store. */
class BundleTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheBuildersMetadataIni() throws Exception {
        Bundle b = BundleReader.read(TestBundle.write(tmp, "4.22.0.0", 1024));
        assertThat(b.version()).isEqualTo("4.22.0.0");
        assertThat(b.templates()).extracting(BundledTemplate::label).containsExactly("KVM/x86_64", "KVM/aarch64",
                "VMware/x86_64", "XenServer/x86_64", "Hyperv/x86_64", "Ovm3/x86_64");
        BundledTemplate vmware = b.find(SystemVmHypervisor.VMWARE, "x86_64").orElseThrow();
        assertThat(vmware.guestOs()).isEqualTo("Other Linux (64-bit)");
        assertThat(vmware.packing()).isEqualTo(BundledTemplate.Packing.PLAIN);
        assertThat(b.find(SystemVmHypervisor.KVM, "aarch64").orElseThrow().packing())
                .isEqualTo(BundledTemplate.Packing.BZIP2);
        assertThat(b.find(SystemVmHypervisor.VMWARE, "aarch64")).isEmpty();
        BundleVerifier.verify(b.templates());
    }

    @Test
    void malformedMetadataIsABundleError() throws Exception {
        Files.writeString(tmp.resolve("metadata.ini"), "[default]\nversion = four\n");
        assertThatThrownBy(() -> BundleReader.read(tmp)).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.BUNDLE);
            assertThat(e.getMessage()).contains("version", "four");
        });
        Files.writeString(tmp.resolve("metadata.ini"), "[default]\nversion = 4.22.0.0\n[kvm-x86_64]\n"
                + "templatename = t\nchecksum = " + "a".repeat(128) + "\ndownloadurl = https://x/y\n"
                + "filename = ../../etc/passwd\n");
        assertThatThrownBy(() -> BundleReader.read(tmp)).hasMessageContaining("bare file name");
    }

    @Test
    void ovaMembersThatWouldLeaveTheTemplateFolderAreRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            byte[] data = "x".getBytes();
            TarArchiveEntry e = new TarArchiveEntry("../../evil.ovf");
            e.setSize(data.length);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        Path ova = tmp.resolve("bad.ova");
        Files.write(ova, out.toByteArray());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(out.toByteArray()));
        BundledTemplate t = new BundledTemplate(SystemVmHypervisor.VMWARE, "x86_64", "systemvm-vmware-4.22.0", ova, sha,
                "https://x/bad.ova", "Other Linux (64-bit)");
        CRC32C crc = new CRC32C();
        crc.update(out.toByteArray());
        Path store = Files.createDirectories(tmp.resolve("store"));
        List<String> hookSteps = new ArrayList<>();
        TemplateStore ts = new TemplateStore(store, "store", (step, d) -> hookSteps.add(step.name()), CopyProgress.NONE);
        assertThatThrownBy(() -> ts.stage(t, 7, "u", crc.getValue())).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.BUNDLE);
            assertThat(e.getMessage()).contains("../../evil.ovf");
        });
        assertThat(tmp.resolve("evil.ovf")).doesNotExist();
        try (var s = Files.walk(store)) {
            assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
        }
        assertThat(hookSteps).doesNotContain("STAGED");
    }
}
