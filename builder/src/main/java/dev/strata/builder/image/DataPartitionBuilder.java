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
 * Formats the data partition (ext4) inside a file, filled from a folder (the installed layer),
 * without mounting it. mke2fs 1.47.0's {@code -d} copies each source file's ctime and atime
 * (wall clock) and owner into the inodes, so afterwards every inode's times are set to
 * SOURCE_DATE_EPOCH and its owner to root with one {@code debugfs} command file. With a fixed
 * UUID, hash seed and E2FSPROGS_FAKE_TIME the filesystem is then byte-for-byte reproducible.
 */
public final class DataPartitionBuilder {

    public static final String LABEL = "strata-data";

    private final CommandRunner runner;

    public DataPartitionBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    public Path build(long size, UUID uuid, UUID hashSeed, long epoch, Path out) {
        return build(size, uuid, hashSeed, epoch, null, out);
    }

    /** @param content folder copied into the filesystem's root; null for an empty filesystem */
    public Path build(long size, UUID uuid, UUID hashSeed, long epoch, Path content, Path out) {
        try {
            Files.deleteIfExists(out);
            try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
                f.setLength(size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> mkfs = new java.util.ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-L", LABEL,
                "-U", uuid.toString(), "-E", "hash_seed=" + hashSeed + ",root_owner=0:0"));
        if (content != null) {
            mkfs.addAll(List.of("-d", content.toString()));
        }
        mkfs.add(out.toString());
        runner.run(CommandRunner.Command.of(mkfs).withEnv("E2FSPROGS_FAKE_TIME", Long.toString(epoch)));
        if (content != null) {
            normaliseInodes(content, epoch, out);
        }
        return out;
    }

    private void normaliseInodes(Path content, long epoch, Path image) {
        StringBuilder cmds = new StringBuilder();
        try (java.util.stream.Stream<Path> walk = Files.walk(content)) {
            for (Path p : walk.sorted().toList()) {
                String inFs = "/" + content.relativize(p).toString().replace("\\", "/");
                if (inFs.contains("\"") || inFs.contains("\n")) {
                    throw new IllegalArgumentException("unsupported file name in the data partition: " + inFs);
                }
                String quoted = "\"" + inFs + "\"";
                for (String field : List.of("atime", "ctime", "mtime", "crtime")) {
                    cmds.append("sif ").append(quoted).append(' ').append(field).append(" @").append(epoch).append('\n');
                }
                cmds.append("sif ").append(quoted).append(" uid 0\n");
                cmds.append("sif ").append(quoted).append(" gid 0\n");
            }
            Path cmdFile = image.resolveSibling(image.getFileName() + ".debugfs");
            Files.writeString(cmdFile, cmds.toString());
            runner.run(CommandRunner.Command.of(List.of("debugfs", "-w", "-f", cmdFile.toString(), image.toString()))
                    .withEnv("E2FSPROGS_FAKE_TIME", Long.toString(epoch)));
            Files.delete(cmdFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
