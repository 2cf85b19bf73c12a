package dev.strata.builder.image;

import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Formats the data partition (ext4) inside a file. It is left empty on purpose: the init
 * creates {@code overlay/} and {@code router/} on first boot, and mke2fs 1.47.0's {@code -d}
 * (populate from a folder) stamps inodes with the wall clock, which would make the disk
 * image differ from build to build. With a fixed UUID, hash seed and E2FSPROGS_FAKE_TIME an
 * empty filesystem is byte-for-byte reproducible.
 */
public final class DataPartitionBuilder {

    public static final String LABEL = "strata-data";

    private final CommandRunner runner;

    public DataPartitionBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    public Path build(long size, UUID uuid, UUID hashSeed, long epoch, Path out) {
        try {
            Files.deleteIfExists(out);
            try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
                f.setLength(size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runner.run(CommandRunner.Command.of(List.of("mkfs.ext4", "-q", "-F", "-L", LABEL, "-U", uuid.toString(),
                        "-E", "hash_seed=" + hashSeed + ",root_owner=0:0", out.toString()))
                .withEnv("E2FSPROGS_FAKE_TIME", Long.toString(epoch)));
        return out;
    }
}
