package dev.strata.builder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.tools.CommandRunner;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskAssemblerTest {

    static final long MIB = 1L << 20;
    static final long DISK = 64 * MIB;

    @TempDir
    Path dir;
    DiskLayout layout;

    @BeforeEach
    void tools() {
        assumeTrue(DiskLayoutTest.available("sfdisk"), "sfdisk not installed");
        assumeTrue(Files.isRegularFile(DiskAssembler.GPT_MBR), "syslinux's gptmbr.bin not installed");
        layout = DiskLayout.of(DISK, 4 * MIB, 6 * MIB, 3 * MIB, "assembler-test");
    }

    /**
     * A partition image of {@code size} bytes: random runs separated by zero runs of several
     * lengths (shorter than, equal to and longer than the assembler's 64 KiB copy block, and not
     * aligned to it), so that skipping zeros and not skipping data both show.
     */
    private Path image(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        Random r = new Random(seed);
        int pos = 0;
        int[] dataRuns = {1, 5000, 70_000, 65_536, 300};
        int[] zeroRuns = {100, 65_536, 200_000, 3, 131_072 + 17};
        for (int i = 0; pos < size; i++) {
            int d = Math.min(dataRuns[i % dataRuns.length], size - pos);
            for (int j = 0; j < d; j++) {
                b[pos + j] = (byte) (1 + r.nextInt(255)); // never 0
            }
            pos += d;
            pos += Math.min(zeroRuns[i % zeroRuns.length], size - pos);
        }
        b[size - 1] = 0x5a; // the last byte is data: the copy must reach the end
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static byte[] readAt(Path file, long offset, int length) throws Exception {
        byte[] b = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            f.readFully(b);
        }
        return b;
    }

    @Test
    void copiesEachImageToItsPartitionWithBootCodeAndTable() throws Exception {
        List<Path> images = List.of(
                image("boot.img", (int) (4 * MIB), 1),
                image("root.img", (int) (5 * MIB + 12_345), 2),
                image("data.img", (int) (3 * MIB - 512), 3));
        Path out = dir.resolve("disk.raw");
        // a stale file of the same name, full of junk, must not show through the zero runs
        byte[] junk = new byte[(int) (16 * MIB)];
        Arrays.fill(junk, (byte) 0xAA);
        Files.write(out, junk);

        Path written = new DiskAssembler(new CommandRunner(dir.resolve("build.log"))).assemble(layout, images, out);

        assertThat(written).isEqualTo(out);
        assertThat(Files.size(out)).isEqualTo(DISK);
        for (int i = 0; i < images.size(); i++) {
            DiskLayout.Partition p = layout.partitions().get(i);
            byte[] expected = Files.readAllBytes(images.get(i));
            assertThat(readAt(out, p.offset(), expected.length)).as(p.name()).isEqualTo(expected);
            int rest = (int) (p.size() - expected.length);
            if (rest > 0) { // the boot image fills its partition exactly
                assertThat(readAt(out, p.offset() + expected.length, rest)).as(p.name() + " after its image")
                        .containsOnly((byte) 0);
            }
        }

        byte[] mbr = Files.readAllBytes(DiskAssembler.GPT_MBR);
        int code = Math.min(440, mbr.length);
        byte[] sector0 = readAt(out, 0, 512);
        assertThat(Arrays.copyOf(sector0, code)).isEqualTo(Arrays.copyOf(mbr, code));
        // the protective MBR sfdisk wrote is still there after the boot code
        assertThat(sector0[446 + 4] & 0xff).as("partition type of the protective MBR entry").isEqualTo(0xEE);
        assertThat(sector0[510] & 0xff).isEqualTo(0x55);
        assertThat(sector0[511] & 0xff).isEqualTo(0xAA);
        assertThat(new String(readAt(out, 512, 8), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("EFI PART");

        JsonNode table = new ObjectMapper().readTree(DiskLayoutTest.run(null, "sfdisk", "--json", out.toString()))
                .get("partitiontable");
        assertThat(table.get("label").asText()).isEqualTo("gpt");
        assertThat(table.get("partitions")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode j = table.get("partitions").get(i);
            DiskLayout.Partition p = layout.partitions().get(i);
            assertThat(j.get("name").asText()).isEqualTo(p.name());
            assertThat(j.get("start").asLong() * 512).isEqualTo(p.offset());
            assertThat(j.get("size").asLong() * 512).isEqualTo(p.size());
        }
        DiskLayoutTest.run(null, "sfdisk", "--verify", out.toString());

        long allocated = Long.parseLong(DiskLayoutTest.run(null, "stat", "-c", "%b", out.toString()).strip())
                * Long.parseLong(DiskLayoutTest.run(null, "stat", "-c", "%B", out.toString()).strip());
        long data = 0;
        for (Path image : images) {
            data += Files.size(image);
        }
        assertThat(allocated).as("allocated bytes of a %d-byte disk", DISK)
                .isLessThan(DISK / 4)
                .isLessThan(data);

        assertThat(Files.readString(dir.resolve("build.log"))).contains("sfdisk").contains(out.toString());
    }

    @Test
    void anImageLargerThanItsPartitionIsRefused() throws Exception {
        List<Path> images = List.of(image("boot.img", 4096, 1),
                image("root.img", (int) (6 * MIB + 1), 2), image("data.img", 4096, 3));

        assertThatThrownBy(() -> new DiskAssembler(new CommandRunner(null))
                .assemble(layout, images, dir.resolve("disk.raw")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root.img")
                .hasMessageContaining("strata-root");
    }

    @Test
    void oneImagePerPartitionIsRequired() throws Exception {
        List<Path> two = List.of(image("boot.img", 4096, 1), image("root.img", 4096, 2));

        assertThatThrownBy(() -> new DiskAssembler(new CommandRunner(null)).assemble(layout, two,
                dir.resolve("disk.raw")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("disk.raw")).doesNotExist();
    }
}
