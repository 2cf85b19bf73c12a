package dev.strata.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The layers on a system VM's data partition ({@code /data/router}, seen as {@code /router}):
 * {@code <version>/} per installed layer, and the pointers {@code latest}, {@code known-good}
 * (symbolic links to a version) and {@code trying} (a file: the version on trial and its try
 * count). Every change is a rename or a symbolic-link swap, so a crash at any point leaves
 * either the old state or the new one; {@link #recover()} clears what a crash left half done.
 * One operation at a time: a second one is refused while the lock is held.
 */
public final class LayerStore {

    public static final String LATEST = "latest";
    public static final String KNOWN_GOOD = "known-good";
    public static final String TRYING = "trying";
    private static final String LOCK = ".lock";
    private static final String STAGING_PREFIX = ".staging-";

    /** Called between the steps of an operation; tests throw from it to simulate a crash there. */
    @FunctionalInterface
    public interface StepHook {
        void reached(String step);

        StepHook NONE = step -> { };
    }

    /** One installed layer and the pointers that name it. */
    public record Installed(String version, boolean latest, boolean knownGood, boolean trying) {
    }

    private final Path dir;
    private final List<PublicKey> trustedKeys;
    private final StepHook hook;
    private final String rootVersion;

    public LayerStore(Path routerDir, List<PublicKey> trustedKeys, StepHook hook) {
        this(routerDir, trustedKeys, hook, null);
    }

    /**
     * @param rootVersion the running root image's version; a layer whose min-root-version is newer
     *                    is refused. Null skips the check (building or testing off the VM).
     */
    public LayerStore(Path routerDir, List<PublicKey> trustedKeys, StepHook hook, String rootVersion) {
        this.dir = routerDir;
        this.trustedKeys = List.copyOf(trustedKeys);
        this.hook = hook;
        this.rootVersion = rootVersion;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Verifies a layer (signature by a trusted key, content digest, root image version) and
     * installs it as {@code <version>/}; nothing is activated. The source is a layer image file
     * ({@link LayerImage}) or a layer folder. It is staged under a hidden name and renamed into
     * place only when complete and verified, so a bad layer, a full disk or a crash leaves no
     * half-installed version and changes nothing else.
     */
    public LayerManifest install(Path source) {
        return locked(() -> {
            Path staging = dir.resolve(STAGING_PREFIX + "install-" + ProcessHandle.current().pid());
            Deletion.deleteTree(staging);
            String label = source.toString();
            try {
                if (LayerImage.isImage(source)) {
                    LayerImage.extract(source, staging);
                } else if (Files.isDirectory(source)) {
                    // Checked before copying (a FIFO would block the copy), and the copy verified
                    // again below: what is installed is what was verified.
                    LayerEntries.check(source, label);
                    copyTree(source, staging);
                } else {
                    throw new LayerException("not a layer: " + source + " is neither a layer image (squashfs) nor a "
                            + "layer folder");
                }
                hook.reached("install:copied");
                LayerManifest manifest = verify(staging, label);
                requireRunsOnThisRoot(manifest);
                Path target = dir.resolve(manifest.version());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new LayerException("layer " + manifest.version() + " is already installed");
                }
                fsyncTree(staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                fsync(dir);
                hook.reached("install:renamed");
                return manifest;
            } catch (IOException e) {
                Deletion.deleteTree(staging);
                if (String.valueOf(e.getMessage()).contains("No space left")) {
                    throw new LayerException("not enough space in " + dir + " to stage the layer from " + source
                            + "; nothing was changed (free space, or remove old layers with `strata layer gc`)", e);
                }
                throw e;
            } catch (RuntimeException e) {
                Deletion.deleteTree(staging);
                throw e;
            }
        });
    }

    private void requireRunsOnThisRoot(LayerManifest manifest) {
        if (rootVersion != null && Versions.compare(manifest.minRootVersion(), rootVersion) > 0) {
            throw new LayerException("layer " + manifest.version() + " needs root image " + manifest.minRootVersion()
                    + " or newer; this system VM runs root image " + rootVersion + " (upgrade the template instead)");
        }
    }

    /** The manifest of an installed version. */
    public LayerManifest manifest(String version) {
        requireInstalled(version);
        try {
            return LayerManifest.parse(Files.readAllBytes(dir.resolve(version).resolve(LayerManifest.FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks a layer (an image file or a folder) without installing it: only allowed entries
     * ({@link LayerEntries}), trusted signature, content matching the manifest. An image is
     * unpacked to a temporary folder first, which is removed after.
     */
    public LayerManifest verify(Path layer) {
        if (Files.isDirectory(layer, LinkOption.NOFOLLOW_LINKS)) {
            return verify(layer, layer.toString());
        }
        if (!LayerImage.isImage(layer)) {
            throw new LayerException("not a layer: " + layer + " is neither a layer image (squashfs) nor a layer folder");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("strata-verify-");
            Path tree = tmp.resolve("layer");
            LayerImage.extract(layer, tree);
            return verify(tree, layer.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + layer + " to verify it: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Deletion.deleteTree(tmp);
                } catch (IOException e) {
                    // a temporary folder left behind; the verdict stands
                }
            }
        }
    }

    /** Verifies the unpacked layer in {@code layerDir}, naming it {@code label} (what the caller gave) in errors. */
    private LayerManifest verify(Path layerDir, String label) {
        LayerEntries.check(layerDir, label);
        try {
            byte[] bytes = Files.readAllBytes(layerDir.resolve(LayerManifest.FILE));
            Path sigFile = layerDir.resolve(LayerManifest.SIGNATURE_FILE);
            if (!Files.exists(sigFile)) {
                throw new LayerException("layer " + label + " is not signed (no " + LayerManifest.SIGNATURE_FILE + ")");
            }
            if (!LayerSignatures.verify(bytes, Files.readAllBytes(sigFile), trustedKeys)) {
                throw new LayerException("layer " + label + " is not signed by a trusted key");
            }
            LayerManifest manifest = LayerManifest.parse(bytes);
            if (manifest.contentFormat() != ContentDigest.FORMAT) {
                throw new LayerException("layer " + manifest.version() + " (" + label + ") has a content digest of format "
                        + manifest.contentFormat() + "; this Strata verifies format " + ContentDigest.FORMAT
                        + " only (format 2 also covers owners and setuid/setgid/sticky bits): rebuild the layer with "
                        + "`strata layer build`, or re-sign its folder with `strata layer sign`");
            }
            String actual = ContentDigest.of(layerDir);
            if (!actual.equals(manifest.contentSha256())) {
                throw new LayerException("layer " + manifest.version() + " (" + label + ") content does not match its "
                        + "manifest (sha256 " + actual + ", manifest says " + manifest.contentSha256()
                        + "): a file, its mode, owner or type changed after signing");
            }
            return manifest;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LayerException("not a layer: " + label + " has no " + LayerManifest.FILE);
        } catch (IllegalArgumentException e) {
            throw new LayerException("invalid layer manifest in " + label + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points {@code latest} at an installed version, on trial until {@link #markGood()}. */
    public void activate(String version) {
        locked(() -> {
            requireInstalled(version);
            Files.writeString(dir.resolve(TRYING + ".new"), version + " 0\n", StandardCharsets.UTF_8);
            Files.move(dir.resolve(TRYING + ".new"), dir.resolve(TRYING), StandardCopyOption.ATOMIC_MOVE);
            hook.reached("activate:trying-written");
            pointAt(LATEST, version);
            hook.reached("activate:latest-moved");
            return null;
        });
    }

    /** The layer on trial passed its health check: it becomes known-good. */
    public void markGood() {
        locked(() -> {
            String latest = target(LATEST).orElseThrow(() -> new LayerException("no layer is active"));
            pointAt(KNOWN_GOOD, latest);
            hook.reached("mark-good:known-good-moved");
            Files.deleteIfExists(dir.resolve(TRYING));
            return null;
        });
    }

    /** Points {@code latest} back at the known-good layer. */
    public String rollback() {
        return locked(() -> {
            String good = target(KNOWN_GOOD).orElseThrow(
                    () -> new LayerException("no known-good layer to roll back to"));
            pointAt(LATEST, good);
            hook.reached("rollback:latest-moved");
            Files.deleteIfExists(dir.resolve(TRYING));
            return good;
        });
    }

    /** Installed layers, newest version folder first (by install time), with their pointers. */
    public List<Installed> list() {
        Optional<String> latest = target(LATEST);
        Optional<String> good = target(KNOWN_GOOD);
        Optional<String> trying = trying();
        return versions().stream().map(v -> new Installed(v, latest.filter(v::equals).isPresent(),
                good.filter(v::equals).isPresent(), trying.filter(v::equals).isPresent())).toList();
    }

    /** Removes installed layers beyond the newest {@code keep}, never one a pointer names. */
    public List<String> gc(int keep) {
        return locked(() -> {
            List<String> removed = new ArrayList<>();
            List<String> versions = versions();
            for (int i = keep; i < versions.size(); i++) {
                String v = versions.get(i);
                if (!v.equals(target(LATEST).orElse(null)) && !v.equals(target(KNOWN_GOOD).orElse(null))
                        && !v.equals(trying().orElse(null))) {
                    Path doomed = dir.resolve(STAGING_PREFIX + "gc-" + v);
                    Files.move(dir.resolve(v), doomed, StandardCopyOption.ATOMIC_MOVE);
                    Deletion.deleteTree(doomed);
                    removed.add(v);
                }
            }
            return removed;
        });
    }

    /**
     * After a crash: drops half-copied layers and half-made pointers, and points a dangling
     * {@code latest} back at the known-good layer.
     */
    public void recover() {
        locked(() -> {
            Optional<String> latest = target(LATEST);
            if (latest.isPresent() && !Files.isDirectory(dir.resolve(latest.get()))) {
                target(KNOWN_GOOD).ifPresentOrElse(good -> pointAt(LATEST, good),
                        () -> deleteQuietly(dir.resolve(LATEST)));
            }
            return null;
        });
    }

    public Optional<String> target(String pointer) {
        Path link = dir.resolve(pointer);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<String> trying() {
        Path f = dir.resolve(TRYING);
        try {
            return Files.exists(f) ? Optional.of(Files.readString(f).strip().split("\\s+")[0]) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> versions() {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(LayerStore::modified).reversed())
                    .map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireInstalled(String version) {
        if (!Files.isDirectory(dir.resolve(version), LinkOption.NOFOLLOW_LINKS)) {
            throw new LayerException("layer " + version + " is not installed; installed: " + versions());
        }
    }

    /** Atomic pointer swap: a new symbolic link renamed over the old one. */
    private void pointAt(String pointer, String version) {
        try {
            Path tmp = dir.resolve(pointer + ".new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of(version));
            Files.move(tmp, dir.resolve(pointer), StandardCopyOption.ATOMIC_MOVE);
            fsync(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An operation body that may throw I/O errors. */
    private interface Body<T> {
        T run() throws IOException;
    }

    private <T> T locked(Body<T> body) {
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = tryLock(ch)) {
                removeLeftovers();
                return body.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Staging folders and half-made pointers of an operation that was killed. Whoever holds the
     * lock is the only operation, so anything of that kind is a leftover, whatever process made
     * it; every operation clears them first (an interrupted install leaves ~65 MB).
     */
    private void removeLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(STAGING_PREFIX) || name.endsWith(".new")) {
                    try {
                        Deletion.deleteTree(p);
                    } catch (IOException e) {
                        // e.g. something mounted inside it: left for recover() to report; the operation goes on
                        System.err.println("strata layers: cannot remove leftover " + p + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /** Clears what killed operations left (staging folders); the agent calls it at start-up. */
    public void removeLeftoversNow() {
        locked(() -> null);
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new LayerException("another layer operation is running; try again when it has finished");
        }
        return lock;
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a checked layer folder: folders, files and links with their modes and owners (as root). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(t, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                copyModeAndOwner(p, t);
            }
        }
    }

    private static void copyModeAndOwner(Path from, Path to) throws IOException {
        java.util.Map<String, Object> a = Files.readAttributes(from, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(to)) {
            Files.setAttribute(to, "unix:mode", (Integer) a.get("mode") & 07777, LinkOption.NOFOLLOW_LINKS);
        }
        if (!a.get("uid").equals(Files.getAttribute(to, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                || !a.get("gid").equals(Files.getAttribute(to, "unix:gid", LinkOption.NOFOLLOW_LINKS))) {
            Files.setAttribute(to, "unix:uid", a.get("uid"), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(to, "unix:gid", a.get("gid"), LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void fsyncTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    fsync(p);
                }
            }
        }
    }

    private static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
