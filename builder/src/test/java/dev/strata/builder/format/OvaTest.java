package dev.strata.builder.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OvaTest {

    static final long CAPACITY = 64L << 20;
    static final long EPOCH = 1_767_225_600L; // 2026-01-01T00:00:00Z
    static final String NAME = "systemvmtemplate-4.22.0-x86_64-vmware";

    @TempDir
    static Path work;
    static Path vmdk;

    /** A 64 MiB raw disk with a few non-zero areas, converted the way the pipeline will. */
    @BeforeAll
    static void makeVmdk() throws Exception {
        assumeTrue(Proc.available("qemu-img"), "qemu-img not installed");
        Path raw = work.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(CAPACITY);
            byte[] noise = new byte[256 * 1024];
            new Random(7).nextBytes(noise);
            f.seek(0);
            f.write(noise);
            f.seek(CAPACITY / 2);
            f.write("strata system vm".getBytes(StandardCharsets.US_ASCII));
            f.seek(CAPACITY - 4096);
            f.write(noise, 0, 4096);
        }
        vmdk = work.resolve("disk.vmdk");
        Proc.ok(work, "qemu-img", "convert", "-f", "raw", "-O", "vmdk",
                "-o", "subformat=streamOptimized,adapter_type=lsilogic", raw.toString(), vmdk.toString());
    }

    @Test
    void writesAnOvaThatVerifiesAndThatToolsRead() throws Exception {
        Path ova = work.resolve("a/" + NAME + ".ova");
        OvaWriter.Result result = OvaWriter.write(vmdk, CAPACITY, NAME, ova, EPOCH);

        OvaSummary s = OvaReader.verify(ova);
        assertThat(s.members()).containsExactly(NAME + ".ovf", NAME + "-disk1.vmdk", NAME + ".mf");
        assertThat(s.vcpus()).isEqualTo(1);
        assertThat(s.memoryMb()).isEqualTo(256);
        assertThat(s.controllerSubType()).isEqualTo("lsilogic");
        assertThat(s.diskCapacityBytes()).isEqualTo(CAPACITY);
        assertThat(s.diskFormat()).isEqualTo(OvfDescriptor.FORMAT_STREAM_OPTIMIZED);
        assertThat(s.osType()).isEqualTo("otherLinux64Guest");
        assertThat(s.virtualSystemType()).isEqualTo("vmx-13");
        assertThat(s.firmware()).isEqualTo("bios");
        assertThat(s.manifestAlgorithm()).isEqualTo("SHA256");
        assertThat(result.members()).isEqualTo(s.members());

        // GNU tar sees the same order.
        assertThat(Proc.ok(work, "tar", "tf", ova.toString()).lines().toList()).isEqualTo(s.members());

        // Every member: ustar header, mtime = SOURCE_DATE_EPOCH, root-owned, 0644.
        try (TarArchiveInputStream tin = new TarArchiveInputStream(Files.newInputStream(ova))) {
            TarArchiveEntry e;
            while ((e = tin.getNextEntry()) != null) {
                assertThat(e.getModTime().getTime()).isEqualTo(EPOCH * 1000);
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getMode() & 07777).isEqualTo(0644);
                assertThat(e.isPaxHeader()).isFalse();
            }
        }
        byte[] head = new byte[512];
        try (InputStream in = Files.newInputStream(ova)) {
            assertThat(in.readNBytes(head, 0, 512)).isEqualTo(512);
        }
        assertThat(new String(head, 257, 8, StandardCharsets.US_ASCII)).isEqualTo("ustar\u000000");

        // Unpack with GNU tar (as CloudStack's OVAProcessor does) and let qemu-img and sha256sum judge.
        Path out = Files.createDirectories(work.resolve("unpacked"));
        Proc.ok(out, "tar", "--no-same-owner", "--no-same-permissions", "-xf", ova.toString());
        JsonNode info = new ObjectMapper().readTree(
                Proc.ok(out, "qemu-img", "info", "--output=json", NAME + "-disk1.vmdk"));
        assertThat(info.path("format").asText()).isEqualTo("vmdk");
        assertThat(info.path("virtual-size").asLong()).isEqualTo(CAPACITY);
        assertThat(info.path("format-specific").path("data").path("create-type").asText()).isEqualTo("streamOptimized");
        assertThat(Files.mismatch(out.resolve(NAME + "-disk1.vmdk"), vmdk)).isEqualTo(-1L);

        String mf = Files.readString(out.resolve(NAME + ".mf"));
        String ovfSum = Proc.ok(out, "sha256sum", NAME + ".ovf").substring(0, 64);
        String vmdkSum = Proc.ok(out, "sha256sum", NAME + "-disk1.vmdk").substring(0, 64);
        assertThat(mf).isEqualTo("SHA256(" + NAME + ".ovf)= " + ovfSum + "\n"
                + "SHA256(" + NAME + "-disk1.vmdk)= " + vmdkSum + "\n");

        // The descriptor reads the same for a namespace-unaware parser like CloudStack's.
        byte[] ovf = Files.readAllBytes(out.resolve(NAME + ".ovf"));
        assertThat(OvfDescriptor.cloudStackVirtualSize(ovf)).isEqualTo(CAPACITY);
        String ovfText = new String(ovf, StandardCharsets.UTF_8);
        assertThat(ovfText).contains("<Disk ovf:capacity=\"67108864\" ovf:capacityAllocationUnits=\"byte\"")
                .contains("<File ovf:href=\"" + NAME + "-disk1.vmdk\" ovf:id=\"file1\" ovf:size=\"" + Files.size(vmdk) + "\"/>")
                .contains("<OperatingSystemSection ovf:id=\"101\" vmw:osType=\"otherLinux64Guest\">")
                .contains("<rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>")
                .doesNotContain("<rasd:ResourceType>10</rasd:ResourceType>"); // no NIC: CloudStack adds them
    }

    @Test
    void sameInputsGiveIdenticalBytes() throws Exception {
        Path one = work.resolve("one/x.ova");
        Path two = work.resolve("two/x.ova");
        OvaWriter.write(vmdk, CAPACITY, NAME, one, EPOCH);
        OvaWriter.write(vmdk, CAPACITY, NAME, two, EPOCH);
        assertThat(Files.mismatch(one, two)).isEqualTo(-1L);

        Path later = work.resolve("three/x.ova");
        OvaWriter.write(vmdk, CAPACITY, NAME, later, EPOCH + 1);
        assertThat(Files.mismatch(one, later)).isNotEqualTo(-1L);
    }

    @Test
    void verifyDetectsATamperedDisk() throws Exception {
        Path ova = work.resolve("tamper/t.ova");
        OvaWriter.write(vmdk, CAPACITY, NAME, ova, EPOCH);
        byte[] bytes = Files.readAllBytes(ova);
        int kdmv = indexOf(bytes, "KDMV".getBytes(StandardCharsets.US_ASCII));
        // Past the 64 KiB head the reader parses, so only the digest can notice.
        bytes[kdmv + 100_000] ^= 0x55;
        Files.write(ova, bytes);

        assertThatThrownBy(() -> OvaReader.verify(ova))
                .isInstanceOf(InvalidOvaException.class)
                .satisfies(ex -> assertThat(((InvalidOvaException) ex).problems())
                        .singleElement().asString().contains("SHA256 of '" + NAME + "-disk1.vmdk'"));
    }

    @Test
    void verifyDetectsWrongOrder() throws Exception {
        // Repack our members with the disk first, as a careless "tar cf" would.
        Path ova = work.resolve("order/o.ova");
        OvaWriter.write(vmdk, CAPACITY, NAME, ova, EPOCH);
        Path dir = Files.createDirectories(work.resolve("order/x"));
        Proc.ok(dir, "tar", "xf", ova.toString());
        Path bad = work.resolve("order/bad.ova");
        Proc.ok(dir, "tar", "--format=ustar", "-cf", bad.toString(), NAME + "-disk1.vmdk", NAME + ".ovf", NAME + ".mf");

        assertThatThrownBy(() -> OvaReader.verify(bad))
                .isInstanceOf(InvalidOvaException.class)
                .hasMessageContaining("descriptor must come first");
    }

    @Test
    void writerRefusesADiskThatIsNotStreamOptimized() throws Exception {
        Path sparse = work.resolve("sparse.vmdk");
        Proc.ok(work, "qemu-img", "convert", "-f", "raw", "-O", "vmdk", work.resolve("disk.raw").toString(),
                sparse.toString());
        assertThatThrownBy(() -> OvaWriter.write(sparse, CAPACITY, NAME, work.resolve("s.ova"), EPOCH))
                .hasMessageContaining("not streamOptimized");
        assertThatThrownBy(() -> OvaWriter.write(vmdk, CAPACITY * 2, NAME, work.resolve("c.ova"), EPOCH))
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> OvaWriter.write(vmdk, CAPACITY, "bad/name", work.resolve("n.ova"), EPOCH))
                .hasMessageContaining("VM name");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
