package dev.strata.builder.pipeline;

import dev.strata.layout.Deletion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The folders a build writes: the work folder in the cache, the staging folder beside the
 * output, and the swap of the staging folder into the output. Also the clean-up of folders left
 * by builds that were killed, so that the next build finds a consistent state.
 */
final class BuildFolders {

    /** A work folder holding this file was kept on purpose (--keep-work) and is not garbage. */
    static final String KEEP_MARKER = "KEPT";

    private BuildFolders() {
    }

    /** Replaces the output folder with the staged one in two renames; the old one is removed after. */
    static void publish(Path staging, Path outputDir) throws IOException {
        Files.createDirectories(outputDir.getParent());
        Path old = outputDir.resolveSibling("." + outputDir.getFileName() + ".old-" + ProcessHandle.current().pid());
        if (Files.exists(outputDir)) {
            Files.move(outputDir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, outputDir, StandardCopyOption.ATOMIC_MOVE);
        Deletion.deleteTree(old);
    }

    /** Work folders of builds that are no longer running (killed, crashed) are garbage. */
    static void removeStaleWork(Path workRoot) throws IOException {
        if (!Files.isDirectory(workRoot)) {
            return;
        }
        try (var dirs = Files.list(workRoot)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!StageCache.isRunning(name.substring(name.lastIndexOf('-') + 1))
                        && !Files.exists(dir.resolve(KEEP_MARKER))) {
                    Deletion.deleteTree(dir);
                }
            }
        }
    }

    /** Staging folders of killed builds beside the output folder ({@code .<name>.partial-<pid>}). */
    static void removeStaleStaging(Path outputDir) throws IOException {
        Path parent = outputDir.getParent();
        String prefix = "." + outputDir.getFileName() + ".";
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (var siblings = Files.list(parent)) {
            for (Path p : siblings.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || StageCache.isRunning(name.substring(name.lastIndexOf('-') + 1))) {
                    continue;
                }
                if (name.contains(".old-") && !Files.exists(outputDir)) {
                    // Killed between the two renames of publish(): the previous bundle comes back.
                    Files.move(p, outputDir, StandardCopyOption.ATOMIC_MOVE);
                } else if (name.contains(".partial-") || name.contains(".old-")) {
                    Deletion.deleteTree(p);
                }
            }
        }
    }

    /** After a failure the partial images are useless; the log is what a person needs. */
    static void keepOnlyLog(Path workDir) {
        try (var entries = Files.list(workDir)) {
            for (Path p : entries.toList()) {
                if (!p.getFileName().toString().equals("build.log")) {
                    Deletion.deleteTree(p);
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }

    static void quietlyDelete(Path p) {
        try {
            Deletion.deleteTree(p);
        } catch (IOException e) {
            // best effort: a leftover .partial folder is ignored and replaced by the next build
        }
    }
}
