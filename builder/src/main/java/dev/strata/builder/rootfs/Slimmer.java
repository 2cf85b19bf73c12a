package dev.strata.builder.rootfs;

import dev.strata.layout.Deletion;
import dev.strata.builder.profile.Kernel;
import dev.strata.builder.profile.Slimming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Removes from the root tree what a read-only system VM never reads: the profile's categories
 * (documentation, locales, apt lists and caches, logs...) and every kernel module outside the
 * profile's keep list. Returns the bytes each category took, for the size report.
 */
public final class Slimmer {

    public static final String MODULES_CATEGORY = "kernel-modules";

    /** Removes and measures; the result maps category to bytes removed, categories sorted by name. */
    public Map<String, Long> slim(Path root, Slimming slimming, Kernel kernel) {
        Map<String, Long> removed = new LinkedHashMap<>();
        List<Path> keep = slimming.keep().stream().map(k -> inside(root, k)).toList();
        for (Map.Entry<String, List<String>> category : new TreeMap<>(slimming.remove()).entrySet()) {
            long bytes = 0;
            for (String pattern : category.getValue()) {
                bytes += removePattern(root, pattern, keep);
            }
            removed.put(category.getKey(), bytes);
        }
        removed.put(MODULES_CATEGORY, slimModules(root, kernel.modules()));
        return removed;
    }

    /**
     * {@code /a/b/*} removes the contents of /a/b; {@code /a/b/prefix*} removes entries of /a/b
     * whose name starts with prefix; {@code /a/b} removes /a/b itself.
     */
    private long removePattern(Path root, String pattern, List<Path> keep) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            Path target = inside(root, pattern);
            return keep.contains(target) ? 0 : keepAware(target, keep);
        }
        int slash = pattern.lastIndexOf('/', star);
        Path dir = inside(root, pattern.substring(0, Math.max(slash, 1)));
        String prefix = pattern.substring(slash + 1, star);
        String suffix = pattern.substring(star + 1);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long bytes = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(suffix) && !keep.contains(entry)) {
                    bytes += keepAware(entry, keep);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** Deletes a path, except kept paths below it (their parent folders stay). */
    private long keepAware(Path target, List<Path> keep) {
        List<Path> keptBelow = keep.stream().filter(k -> k.startsWith(target) && !k.equals(target)).toList();
        if (keptBelow.isEmpty()) {
            return delete(target);
        }
        long bytes = 0;
        try (Stream<Path> entries = Files.list(target)) {
            for (Path child : entries.toList()) {
                if (!keep.contains(child)) {
                    bytes += keepAware(child, keep);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /**
     * Removes modules outside the keep list, except those a kept module needs: modules.dep (as
     * installed, before slimming) names the dependencies, e.g. sd_mod needs block/t10-pi.ko.
     */
    private long slimModules(Path root, List<String> keepPrefixes) {
        Path modulesRoot = root.resolve("usr/lib/modules");
        if (!Files.isDirectory(modulesRoot)) {
            modulesRoot = root.resolve("lib/modules");
        }
        if (!Files.isDirectory(modulesRoot)) {
            return 0;
        }
        long bytes = 0;
        try (Stream<Path> versions = Files.list(modulesRoot)) {
            for (Path version : versions.toList()) {
                Map<String, List<String>> deps = readModulesDep(version);
                List<Path> all;
                try (Stream<Path> files = Files.walk(version.resolve("kernel"))) {
                    all = files.filter(Files::isRegularFile).toList();
                }
                java.util.Set<String> keep = new java.util.HashSet<>();
                java.util.Deque<String> todo = new java.util.ArrayDeque<>();
                for (Path f : all) {
                    String rel = version.relativize(f).toString();
                    if (keepPrefixes.stream().anyMatch(rel::startsWith)) {
                        todo.add(rel);
                    }
                }
                while (!todo.isEmpty()) {
                    String rel = todo.pop();
                    if (keep.add(rel)) {
                        todo.addAll(deps.getOrDefault(rel, List.of()));
                    }
                }
                for (Path f : all) {
                    if (!keep.contains(version.relativize(f).toString())) {
                        bytes += Files.size(f);
                        Files.delete(f);
                    }
                }
                removeEmptyFolders(version.resolve("kernel"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    private static Map<String, List<String>> readModulesDep(Path version) throws IOException {
        Map<String, List<String>> deps = new java.util.HashMap<>();
        Path file = version.resolve("modules.dep");
        if (!Files.exists(file)) {
            return deps;
        }
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String rest = line.substring(colon + 1).strip();
                deps.put(line.substring(0, colon).strip(), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        }
        return deps;
    }

    private static void removeEmptyFolders(Path dir) throws IOException {
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(dir)) {
            dirs = walk.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
        for (Path d : dirs) {
            try (Stream<Path> children = Files.list(d)) {
                if (children.findAny().isEmpty()) {
                    Files.delete(d);
                }
            }
        }
    }

    private static long delete(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long bytes = TreeSizes.size(target);
        try {
            Deletion.deleteTree(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + target, e);
        }
        return bytes;
    }

    /**
     * Resolves an absolute image path inside the root, refusing to leave it: by {@code ..}, or
     * through a symbolic link in the tree (Debian's {@code var/run -> /run} would otherwise
     * point a deletion at the build host's own folders).
     */
    static Path inside(Path root, String absolute) {
        Path p = root.resolve(absolute.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path leaves the root filesystem: " + absolute);
        }
        Path walked = root;
        for (Path part : root.relativize(p)) {
            if (walked != root && Files.isSymbolicLink(walked)) {
                throw new IllegalArgumentException("path " + absolute + " goes through the symbolic link /"
                        + root.relativize(walked) + " in the image; name the link's target instead");
            }
            walked = walked.resolve(part);
        }
        return p;
    }
}
