package dev.strata.builder.layer;

import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the router layer and the system VM extension share: file modes and the squashfs step. */
final class LayerFiles {

    private LayerFiles() {
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    /**
     * One squashfs file, zstd -19 in 1 MiB blocks, every time = epoch (reproducible).
     *
     * @param allRoot true: every file owned by root (the layer); false: owners kept (the extension)
     */
    static void squash(CommandRunner runner, Path tree, Path out, long epoch, boolean allRoot) throws IOException {
        Files.deleteIfExists(out);
        List<String> args = new ArrayList<>(List.of("mksquashfs", tree.toString(), out.toString(), "-noappend",
                "-comp", "zstd", "-Xcompression-level", "19", "-b", "1M", "-no-xattrs",
                "-mkfs-time", Long.toString(epoch), "-all-time", Long.toString(epoch),
                "-processors", Integer.toString(Runtime.getRuntime().availableProcessors()), "-no-progress"));
        if (allRoot) {
            args.add("-all-root");
        }
        runner.run(CommandRunner.Command.of(args).withoutEnv("SOURCE_DATE_EPOCH"));
    }
}
