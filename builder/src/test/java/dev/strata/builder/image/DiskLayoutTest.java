package dev.strata.builder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutTest {

    static final long MIB = 1L << 20;

    @Test
    void partitionsAreInOrderOneMibAlignedAndRoundedUp() {
        DiskLayout layout = DiskLayout.of(64 * MIB, 5 * MIB + 1, 20 * MIB - 512, 3 * MIB, "seed");

        List<DiskLayout.Partition> p = layout.partitions();
        assertThat(p).extracting(DiskLayout.Partition::name)
                .containsExactly("strata-boot", "strata-root", "strata-data");
        assertThat(p).extracting(DiskLayout.Partition::offset).containsExactly(MIB, 7 * MIB, 27 * MIB);
        assertThat(p).extracting(DiskLayout.Partition::size).containsExactly(6 * MIB, 20 * MIB, 3 * MIB);
        assertThat(p).allSatisfy(x -> {
            assertThat(x.offset() % MIB).isZero();
            assertThat(x.size() % MIB).isZero();
        });
        for (int i = 1; i < p.size(); i++) {
            assertThat(p.get(i).offset()).isEqualTo(p.get(i - 1).offset() + p.get(i - 1).size());
        }
        assertThat(p).extracting(DiskLayout.Partition::type)
                .containsExactly(DiskLayout.GPT_ESP, DiskLayout.GPT_LINUX, DiskLayout.GPT_LINUX);
        assertThat(p).extracting(DiskLayout.Partition::legacyBootable).containsExactly(true, false, false);
        assertThat(layout.diskSize()).isEqualTo(64 * MIB);
        assertThat(DiskLayout.GPT_ESP).isEqualTo("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        assertThat(DiskLayout.GPT_LINUX).isEqualTo("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    }

    @Test
    void idsAreDerivedFromTheSeedAndAllDifferent() {
        DiskLayout a = DiskLayout.of(64 * MIB, MIB, MIB, MIB, "seed-1");
        DiskLayout b = DiskLayout.of(64 * MIB, MIB, MIB, MIB, "seed-1");
        DiskLayout c = DiskLayout.of(64 * MIB, MIB, MIB, MIB, "seed-2");

        assertThat(a).isEqualTo(b);
        assertThat(c.diskId()).isNotEqualTo(a.diskId());
        assertThat(c.partitions().get(1).uuid()).isNotEqualTo(a.partitions().get(1).uuid());
        assertThat(List.of(a.diskId(), a.partitions().get(0).uuid(), a.partitions().get(1).uuid(),
                a.partitions().get(2).uuid())).doesNotHaveDuplicates();
    }

    @Test
    void aDiskTooSmallForThePartitionsAndTheBackupGptIsRefused() {
        // 1 MiB lead-in + 4 + 4 + 4 MiB + 1 MiB for the backup GPT = 14 MiB
        assertThat(DiskLayout.of(14 * MIB, 4 * MIB, 4 * MIB, 4 * MIB, "s").partitions()).hasSize(3);
        assertThatThrownBy(() -> DiskLayout.of(14 * MIB - 1, 4 * MIB, 4 * MIB, 4 * MIB, "s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(14 * MIB))
                .hasMessageContaining(String.valueOf(14 * MIB - 1))
                .hasMessageContaining("size.disk");
        // rounding up to 1 MiB counts: 13 MiB + 1 byte of data no longer fits 14 MiB
        assertThatThrownBy(() -> DiskLayout.of(14 * MIB, 4 * MIB, 4 * MIB, 4 * MIB + 1, "s"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sfdiskScriptIsTheExactTable() {
        DiskLayout layout = DiskLayout.of(64 * MIB, 4 * MIB, 8 * MIB, 2 * MIB, "seed");
        String disk = layout.diskId().toString().toUpperCase();
        String u0 = layout.partitions().get(0).uuid().toString().toUpperCase();
        String u1 = layout.partitions().get(1).uuid().toString().toUpperCase();
        String u2 = layout.partitions().get(2).uuid().toString().toUpperCase();

        assertThat(layout.sfdiskScript()).isEqualTo("label: gpt\n"
                + "label-id: " + disk + "\n"
                + "unit: sectors\n"
                + "first-lba: 2048\n"
                + "\n"
                + "start=2048, size=8192, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=" + u0
                + ", name=\"strata-boot\", attrs=\"LegacyBIOSBootable\"\n"
                + "start=10240, size=16384, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=" + u1
                + ", name=\"strata-root\"\n"
                + "start=26624, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=" + u2
                + ", name=\"strata-data\"\n");
    }

    @Test
    void sfdiskWritesExactlyThisTableIntoAFile(@TempDir Path dir) throws Exception {
        assumeTrue(available("sfdisk"), "sfdisk not installed");
        DiskLayout layout = DiskLayout.of(64 * MIB, 4 * MIB, 8 * MIB, 2 * MIB, "seed");
        Path disk = dir.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(layout.diskSize());
        }

        run(layout.sfdiskScript(), "sfdisk", "--no-reread", "--no-tell-kernel", disk.toString());
        JsonNode table = new ObjectMapper().readTree(run(null, "sfdisk", "--json", disk.toString()))
                .get("partitiontable");

        assertThat(table.get("label").asText()).isEqualTo("gpt");
        assertThat(table.get("id").asText()).isEqualToIgnoringCase(layout.diskId().toString());
        assertThat(table.get("firstlba").asLong()).isEqualTo(2048);
        JsonNode parts = table.get("partitions");
        assertThat(parts).hasSize(3);
        for (int i = 0; i < 3; i++) {
            DiskLayout.Partition p = layout.partitions().get(i);
            JsonNode j = parts.get(i);
            assertThat(j.get("start").asLong()).as(p.name()).isEqualTo(p.offset() / 512);
            assertThat(j.get("size").asLong()).as(p.name()).isEqualTo(p.size() / 512);
            assertThat(j.get("name").asText()).isEqualTo(p.name());
            assertThat(j.get("type").asText()).isEqualToIgnoringCase(p.type());
            assertThat(j.get("uuid").asText()).isEqualToIgnoringCase(p.uuid().toString());
            assertThat(j.path("attrs").asText("")).isEqualTo(p.legacyBootable() ? "LegacyBIOSBootable" : "");
        }
        long lastPartitionEnd = parts.get(2).get("start").asLong() + parts.get(2).get("size").asLong() - 1;
        assertThat(lastPartitionEnd).isLessThanOrEqualTo(table.get("lastlba").asLong());
    }

    static boolean available(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a program with an argument list; fails the test on a non-zero exit; returns stdout. */
    static String run(String stdin, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().put("LC_ALL", "C");
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        var err = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread t = new Thread(() -> {
            try {
                err.complete(p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        t.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", args));
        }
        String errText = new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", args) + "\n" + out + errText).isZero();
        return out;
    }
}
