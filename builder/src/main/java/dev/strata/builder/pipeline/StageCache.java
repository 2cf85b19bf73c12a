package dev.strata.builder.pipeline;

import dev.strata.layout.Deletion;
import dev.strata.layout.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Stage results kept by the digest of their inputs: {@code <cache>/stages/<stage>/<digest>/}.
 * An entry is complete only once its folder has been renamed into place, so an interrupted
 * build never leaves a half entry that a later build would trust.
 */
public final class StageCache {

    static final int KEEP = 3;

    private final Path root;

    public StageCache(Path cacheDir) {
        this.root = cacheDir.resolve("stages");
    }

    /** The completed entry for this stage and digest, if there is one. */
    public Path lookup(String stage, String digest) {
        Path entry = root.resolve(stage).resolve(digest);
        if (!Files.isDirectory(entry)) {
            return null;
        }
        try {
            // Marks it recently used: pruning keeps the most recently used entries.
            Files.setLastModifiedTime(entry, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entry;
    }

    /** A fresh folder to build an entry in; pass it to {@link #commit} when done. */
    public Path begin(String stage, String digest) {
        try {
            Path dir = root.resolve(stage);
            Files.createDirectories(dir);
            Path tmp = dir.resolve(digest + ".partial-" + ProcessHandle.current().pid());
            Deletion.deleteTree(tmp);
            Files.createDirectories(tmp);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path commit(String stage, String digest, Path partial) {
        Path entry = root.resolve(stage).resolve(digest);
        try {
            Deletion.deleteTree(entry);
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
            pruneOthers(stage, digest);
            return entry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keeps the {@value #KEEP} most recently used entries per stage (a root filesystem is hundreds
     * of megabytes; a few let two profiles, or a build and its tests, take turns without
     * rebuilding) and drops partial entries of builds that are no longer running.
     */
    private void pruneOthers(String stage, String keep) throws IOException {
        List<Path> complete = new java.util.ArrayList<>();
        try (var entries = Files.list(root.resolve(stage))) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                int partial = name.indexOf(".partial-");
                if (partial >= 0) {
                    if (!isRunning(name.substring(partial + ".partial-".length()))) {
                        Mounts.unmountBelow(p); // a killed mmdebstrap leaves /proc, /sys, /dev mounted
                        Deletion.deleteTree(p);
                    }
                } else if (!name.equals(keep)) {
                    complete.add(p);
                }
            }
        }
        complete.sort(java.util.Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).reversed());
        for (Path old : complete.subList(Math.min(complete.size(), KEEP - 1), complete.size())) {
            Deletion.deleteTree(old);
        }
    }

    static boolean isRunning(String pid) {
        return pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isPresent();
    }
}
