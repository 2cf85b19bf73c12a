package dev.strata.builder.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VhdImageTest {

    static final long SIZE = 64L << 20;
    static final long MIB = 1L << 20;

    @TempDir
    static Path work;

    @BeforeAll
    static void requireQemuImg() {
        assumeTrue(Proc.available("qemu-img"), "qemu-img not installed");
    }

    private static Path raw(String name, long size) throws Exception {
        Path raw = work.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            byte[] noise = new byte[64 * 1024];
            new Random(3).nextBytes(noise);
            f.seek(MIB);
            f.write(noise);
        }
        return raw;
    }

    private static Path vhd(String name, long size, String options) throws Exception {
        Path raw = raw(name + ".raw", size);
        Path vhd = work.resolve(name + ".vhd");
        Proc.ok(work, "qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", options, raw.toString(), vhd.toString());
        return vhd;
    }

    @Test
    void readsQemuDynamicVhd() throws Exception {
        Path vhd = vhd("dyn", SIZE, "subformat=dynamic,force_size=on");
        VhdImage img = VhdImage.read(vhd);
        VhdFooter f = img.footer();

        assertThat(f.cookie()).isEqualTo("conectix");
        assertThat(f.isDynamic()).isTrue();
        assertThat(f.diskTypeName()).isEqualTo("dynamic");
        assertThat(f.checksumValid()).isTrue();
        assertThat(f.currentSize()).isEqualTo(SIZE);
        assertThat(f.originalSize()).isEqualTo(SIZE);
        assertThat(f.features()).isEqualTo(VhdFooter.FEATURE_RESERVED);
        assertThat(f.fileFormatVersion()).isEqualTo(VhdFooter.FORMAT_VERSION);
        assertThat(f.dataOffset()).isEqualTo(512);
        assertThat(f.creatorApplication()).isEqualTo("qem2"); // qemu's marker for "size is current_size"
        assertThat(f.creatorHostOs()).isEqualTo("Wi2k");
        assertThat(f.timestamp()).isBetween(Instant.parse("2020-01-01T00:00:00Z"), Instant.now().plusSeconds(60));
        assertThat(f.savedState()).isZero();
        assertThat(f.reservedZero()).isTrue();
        assertThat(VhdFooter.read(vhd)).isEqualTo(f);

        assertThat(img.footerCopy()).isEqualTo(f);
        assertThat(img.footerCopyMatches()).isTrue();
        VhdDynamicHeader h = img.dynamicHeader();
        assertThat(h.cookie()).isEqualTo("cxsparse");
        assertThat(h.checksumValid()).isTrue();
        assertThat(h.blockSize()).isEqualTo(2 * MIB);
        assertThat(h.maxTableEntries()).isEqualTo(SIZE / (2 * MIB));
        assertThat(h.tableOffset() % 512).isZero();
        assertThat(h.parentFieldsEmpty()).isTrue();

        // qemu's force_size writes the maximum geometry 65535/16/255 to make readers use current_size;
        // vhd-util check calls that "geometry too large". It is the only thing XenServer would object to.
        assertThat(f.geometry()).isEqualTo(new VhdFooter.DiskGeometry(65535, 16, 255));
        assertThat(img.problemsForXenServer()).singleElement().asString().contains("geometry");
    }

    @Test
    void aQemuVhdWithSpecGeometryPassesEveryRule() throws Exception {
        Path vhd = vhd("fixed-geometry", SIZE, "subformat=dynamic,force_size=on");
        VhdFooter.DiskGeometry chs = VhdFooter.geometryFor(SIZE);
        long size = Files.size(vhd);
        patchFooter(vhd, size - 512, chs);
        patchFooter(vhd, 0, chs);

        VhdImage img = VhdImage.read(vhd);
        assertThat(img.footer().geometry()).isEqualTo(chs);
        assertThat(img.footer().checksumValid()).isTrue();
        assertThat(img.problemsForXenServer()).isEmpty();
    }

    @Test
    void detectsACorruptedFooterByte() throws Exception {
        Path vhd = vhd("corrupt", SIZE, "subformat=dynamic,force_size=on");
        long at = Files.size(vhd) - 512 + 70; // inside the unique id
        flip(vhd, at);

        VhdImage img = VhdImage.read(vhd);
        assertThat(img.footer().checksumValid()).isFalse();
        assertThat(img.footerCopyMatches()).isFalse();
        assertThat(img.footerCopy().checksumValid()).isTrue();
        List<String> problems = img.problemsForXenServer();
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("footer checksum"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("differs from the footer at the end"));
    }

    @Test
    void detectsACorruptedDynamicHeaderByte() throws Exception {
        Path vhd = vhd("corrupt-header", SIZE, "subformat=dynamic,force_size=on");
        flip(vhd, 512 + 100); // parent name area of the dynamic header

        VhdImage img = VhdImage.read(vhd);
        assertThat(img.footer().checksumValid()).isTrue();
        assertThat(img.dynamicHeader().checksumValid()).isFalse();
        assertThat(img.problemsForXenServer())
                .anySatisfy(p -> assertThat(p).startsWith("dynamic header checksum"))
                .anySatisfy(p -> assertThat(p).contains("parent fields"));
    }

    @Test
    void fixedAndOddSizedDisksAreFlagged() throws Exception {
        VhdImage fixed = VhdImage.read(vhd("fixed", SIZE, "subformat=fixed,force_size=on"));
        assertThat(fixed.footer().diskType()).isEqualTo(VhdFooter.TYPE_FIXED);
        assertThat(fixed.footer().dataOffset()).isEqualTo(-1L);
        assertThat(fixed.footerCopy()).isNull();
        assertThat(fixed.dynamicHeader()).isNull();
        assertThat(fixed.problemsForXenServer()).anySatisfy(p -> assertThat(p).contains("must be dynamic"));

        VhdImage odd = VhdImage.read(vhd("odd", 63 * MIB, "subformat=dynamic,force_size=on"));
        assertThat(odd.footer().currentSize()).isEqualTo(63 * MIB);
        assertThat(odd.problemsForXenServer()).anySatisfy(p -> assertThat(p).contains("multiple of 2 MiB"));
    }

    @Test
    void geometryMatchesQemuWhenQemuUsesTheSpecAlgorithm() throws Exception {
        // Without force_size qemu picks the spec's CHS and rounds the size down to it.
        VhdFooter f = VhdImage.read(vhd("chs", SIZE, "subformat=dynamic")).footer();
        assertThat(f.creatorApplication()).isEqualTo("qemu");
        assertThat(f.geometry()).isEqualTo(VhdFooter.geometryFor(f.currentSize()));
        assertThat(VhdFooter.geometryFor(SIZE)).isEqualTo(new VhdFooter.DiskGeometry(963, 8, 17));
        assertThat(VhdFooter.geometryFor(1L << 40).sectorsPerTrack()).isEqualTo(255);
    }

    @Test
    void futureTimestampIsFlagged() throws Exception {
        VhdImage img = VhdImage.read(vhd("future", SIZE, "subformat=dynamic,force_size=on"));
        Instant longAgo = img.footer().timestamp().minusSeconds(7200);
        assertThat(img.problemsForXenServer(longAgo)).anySatisfy(p -> assertThat(p).contains("in the future"));
    }

    /** Writes a geometry into the footer at {@code at} and fixes its checksum. */
    private static void patchFooter(Path vhd, long at, VhdFooter.DiskGeometry g) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(vhd.toFile(), "rw")) {
            byte[] footer = new byte[512];
            f.seek(at);
            f.readFully(footer);
            ByteBuffer b = ByteBuffer.wrap(footer);
            b.putShort(56, (short) g.cylinders());
            footer[58] = (byte) g.heads();
            footer[59] = (byte) g.sectorsPerTrack();
            b.putInt(64, VhdFooter.computeChecksum(footer));
            f.seek(at);
            f.write(footer);
        }
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }
}
