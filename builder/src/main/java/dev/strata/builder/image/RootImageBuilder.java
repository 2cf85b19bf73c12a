package dev.strata.builder.image;

import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.RootImage;
import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Packs the root tree into a compressed read-only filesystem image (squashfs or erofs) with
 * every timestamp set to SOURCE_DATE_EPOCH and a UUID derived from the inputs, so that the
 * same tree always gives the same bytes. docs/root-image.md has the measurements behind the
 * choice between the two.
 */
public final class RootImageBuilder {

    private final CommandRunner runner;
    private final Reporter reporter;

    public RootImageBuilder(CommandRunner runner, Reporter reporter) {
        this.runner = runner;
        this.reporter = reporter;
    }

    public Path build(Path root, RootImage spec, long epoch, UUID uuid, Path out) {
        return build(root, spec, epoch, uuid, out, List.of());
    }

    /** As above, leaving out top-level entries of the tree (Strata's own hand-over folders). */
    public Path build(Path root, RootImage spec, long epoch, UUID uuid, Path out, List<String> exclude) {
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = switch (spec.filesystem()) {
            case SQUASHFS -> squashfs(root, spec.compression(), epoch, out);
            case EROFS -> erofs(root, spec.compression(), epoch, uuid, out);
        };
        args = new ArrayList<>(args);
        if (!exclude.isEmpty() && spec.filesystem() == dev.strata.builder.profile.RootFilesystem.SQUASHFS) {
            args.add("-e"); // mksquashfs: -e takes every remaining argument, so it goes last
            args.addAll(exclude);
        } else {
            for (String name : exclude) {
                args.add(args.size() - 2, "--exclude-path=" + name); // before mkfs.erofs' FILE DIR
            }
        }
        // mksquashfs refuses SOURCE_DATE_EPOCH together with its explicit time options, which we pass.
        runner.run(CommandRunner.Command.of(args).withoutEnv("SOURCE_DATE_EPOCH"), line -> {
            String t = line.strip();
            if (t.matches("\\d{1,3}")) {
                reporter.progress("root-image", t + " %");
            }
        });
        return out;
    }

    private static List<String> squashfs(Path root, String compression, long epoch, Path out) {
        List<String> args = new ArrayList<>(List.of("mksquashfs", root.toString(), out.toString(),
                "-noappend", "-comp", compression, "-b", "1M",
                "-mkfs-time", Long.toString(epoch), "-all-time", Long.toString(epoch),
                "-processors", Integer.toString(Runtime.getRuntime().availableProcessors()),
                "-no-progress"));
        if (compression.equals("zstd")) {
            args.addAll(List.of("-Xcompression-level", "19"));
        } else if (compression.equals("xz")) {
            args.addAll(List.of("-Xbcj", "x86"));
        }
        return args;
    }

    private static List<String> erofs(Path root, String compression, long epoch, UUID uuid, Path out) {
        String z = compression.equals("lz4hc") ? "lz4hc,12" : compression;
        return List.of("mkfs.erofs", "-z" + z, "-C65536", "-T" + epoch, "-U" + uuid, "-Eforce-inode-compact",
                out.toString(), root.toString());
    }
}
