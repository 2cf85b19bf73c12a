package dev.strata.builder.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumFilesTest {

    @TempDir
    Path dir;

    private void files() throws Exception {
        byte[] big = new byte[3 * (1 << 20) + 17]; // crosses the 1 MiB read buffer
        new Random(42).nextBytes(big);
        Files.write(dir.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"), big);
        Files.writeString(dir.resolve("b file with spaces.ova"), "ova", StandardCharsets.UTF_8);
        Files.write(dir.resolve("empty.raw.bz2"), new byte[0]);
    }

    @Test
    void listsAreCoreutilsFormatSortedAndCheckedBySha512sumAndMd5sum() throws Exception {
        assumeTrue(Proc.available("sha512sum") && Proc.available("md5sum"), "coreutils not installed");
        files();

        List<FileDigest> digests = ChecksumFiles.writeAll(dir);

        assertThat(digests).extracting(FileDigest::fileName).containsExactly(
                "b file with spaces.ova", "empty.raw.bz2", "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");
        List<String> md5Lines = Files.readAllLines(dir.resolve(ChecksumFiles.MD5_LIST));
        assertThat(md5Lines).hasSize(3);
        assertThat(md5Lines.get(1)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e  empty.raw.bz2");
        assertThat(Files.readAllLines(dir.resolve(ChecksumFiles.SHA512_LIST)))
                .allSatisfy(l -> assertThat(l).matches("[0-9a-f]{128}  .+"));

        // The real tools accept both lists as written.
        Proc.ok(dir, "sha512sum", "--strict", "-c", ChecksumFiles.SHA512_LIST);
        Proc.ok(dir, "md5sum", "--strict", "-c", ChecksumFiles.MD5_LIST);
        // And agree on the digests we computed in one pass.
        String tool = Proc.ok(dir, "sha512sum", "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");
        assertThat(tool.substring(0, 128)).isEqualTo(digests.get(2).sha512());

        assertThat(ChecksumFiles.verify(dir)).isEmpty();
    }

    @Test
    void verifierReportsChangedAndMissingFiles() throws Exception {
        assumeTrue(Proc.available("sha512sum"), "coreutils not installed");
        files();
        ChecksumFiles.writeAll(dir);

        Path kvm = dir.resolve("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2");
        byte[] data = Files.readAllBytes(kvm);
        data[1234] ^= 1;
        Files.write(kvm, data);
        Files.delete(dir.resolve("empty.raw.bz2"));

        List<ChecksumMismatch> problems = ChecksumFiles.verify(dir);
        assertThat(problems).extracting(ChecksumMismatch::fileName, ChecksumMismatch::kind).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("empty.raw.bz2", ChecksumMismatch.Kind.FILE_MISSING),
                org.assertj.core.groups.Tuple.tuple("empty.raw.bz2", ChecksumMismatch.Kind.FILE_MISSING),
                org.assertj.core.groups.Tuple.tuple("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2",
                        ChecksumMismatch.Kind.DIGEST_DIFFERS),
                org.assertj.core.groups.Tuple.tuple("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2",
                        ChecksumMismatch.Kind.DIGEST_DIFFERS));
        // coreutils agrees that the folder no longer checks out.
        assertThat(Proc.run(dir, "sha512sum", "-c", ChecksumFiles.SHA512_LIST).exit()).isNotZero();
    }

    @Test
    void verifierReportsMissingListsAndMalformedLines() throws Exception {
        files();
        assertThat(ChecksumFiles.verify(dir)).extracting(ChecksumMismatch::kind)
                .containsExactly(ChecksumMismatch.Kind.LIST_MISSING, ChecksumMismatch.Kind.LIST_MISSING);

        ChecksumFiles.writeAll(dir);
        Files.writeString(dir.resolve(ChecksumFiles.MD5_LIST), "nonsense\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(ChecksumFiles.verify(dir)).extracting(ChecksumMismatch::kind)
                .containsExactly(ChecksumMismatch.Kind.MALFORMED_LINE);
    }

    @Test
    void refusesNamesCoreutilsWouldEscape() {
        assertThatThrownBy(() -> ChecksumFiles.write(dir, List.of("a\\b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChecksumFiles.write(dir, List.of("sub/a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChecksumFiles.write(dir, List.of(ChecksumFiles.MD5_LIST)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
