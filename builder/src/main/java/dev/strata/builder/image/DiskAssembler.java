package dev.strata.builder.image;

import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Assembles a raw disk image from partition images in a regular file, with no loop or nbd
 * device and no root: sfdisk writes the GPT into the file, the BIOS boot code goes into the
 * first 440 bytes, and each partition image is copied to its offset. Runs of zeros are skipped
 * so the raw file stays sparse (a 2 GiB disk takes only what its partitions hold).
 */
public final class DiskAssembler {

    /** syslinux's MBR code for GPT disks: boots the partition flagged LegacyBIOSBootable. */
    public static final Path GPT_MBR = Path.of("/usr/lib/SYSLINUX/gptmbr.bin");
    private static final int MBR_CODE = 440;
    private static final int BLOCK = 64 * 1024;

    private final CommandRunner runner;

    public DiskAssembler(CommandRunner runner) {
        this.runner = runner;
    }

    public Path assemble(DiskLayout layout, List<Path> partitionImages, Path out) {
        if (partitionImages.size() != layout.partitions().size()) {
            throw new IllegalArgumentException("one image per partition expected");
        }
        try {
            Files.deleteIfExists(out);
            try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
                f.setLength(layout.diskSize());
            }
            runner.run(CommandRunner.Command.of("sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", out.toString())
                    .withStdin(layout.sfdiskScript()));
            try (FileChannel disk = FileChannel.open(out, StandardOpenOption.WRITE)) {
                byte[] mbr = Files.readAllBytes(GPT_MBR);
                disk.write(ByteBuffer.wrap(mbr, 0, Math.min(MBR_CODE, mbr.length)), 0);
                for (int i = 0; i < partitionImages.size(); i++) {
                    DiskLayout.Partition p = layout.partitions().get(i);
                    Path image = partitionImages.get(i);
                    long size = Files.size(image);
                    if (size > p.size()) {
                        throw new IllegalStateException(image + " (" + size + " bytes) does not fit partition "
                                + p.name() + " (" + p.size() + " bytes)");
                    }
                    copySparse(image, disk, p.offset());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copySparse(Path image, FileChannel disk, long offset) throws IOException {
        byte[] buf = new byte[BLOCK];
        try (InputStream in = Files.newInputStream(image)) {
            long pos = offset;
            int n;
            while ((n = in.readNBytes(buf, 0, BLOCK)) > 0) {
                if (!allZero(buf, n)) {
                    disk.write(ByteBuffer.wrap(buf, 0, n), pos);
                }
                pos += n;
            }
        }
    }

    private static boolean allZero(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
