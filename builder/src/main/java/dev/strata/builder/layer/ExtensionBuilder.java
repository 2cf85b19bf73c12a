package dev.strata.builder.layer;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.Digest;
import dev.strata.builder.profile.Extension;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.tools.CommandRunner;
import dev.strata.layout.ContentDigest;
import dev.strata.layout.Deletion;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the system VM extension (docs/systemvm.md): one squashfs image in systemd-sysext's
 * format holding what the extension's packages add over the root filesystem, signed and cached
 * like the router layer (same manifest, same Ed25519 signature, same content digest).
 *
 * <p>Input is two bootstrapped trees of the same suite and mirrors: the profile's own ({@code
 * base}) and the profile's plus the extension's packages ({@code extended}). Of the extended
 * tree it keeps:
 * <ul>
 *   <li>under {@code usr/} and {@code opt/}: every entry that the base tree lacks or has with other
 *       content (the overlay puts them over the root's {@code /usr} and {@code /opt});</li>
 *   <li>under {@code etc/} and {@code var/}: the entries the base lacks, moved to
 *       {@code usr/share/strata/<name>/root/} (systemd-sysext merges only {@code /usr} and
 *       {@code /opt}; the VM copies them into its writable {@code /etc} and {@code /var} when it
 *       merges the extension, never over a file that is already there);</li>
 *   <li>the system accounts the packages made (lines of {@code passwd}, {@code group},
 *       {@code shadow}, {@code gshadow} whose name the base lacks), in
 *       {@code usr/share/strata/<name>/accounts/}.</li>
 * </ul>
 * Left out: documentation, locales, package manager state, logs, caches, enable links (the VM
 * starts what it needs per type), and files of {@code /etc} that both trees have with other
 * content (listed in {@code usr/share/strata/<name>/not-carried}, so nothing is dropped silently).
 * Owners and modes are the packages' own; times are SOURCE_DATE_EPOCH.
 */
public final class ExtensionBuilder {

    /** Bump when what goes into the image changes, so cached images of the old recipe are not reused. */
    private static final String LAYOUT = "extension-layout-1";

    /** Never carried: not content, or state of the build's own package manager. */
    private static final List<String> SKIPPED_PREFIXES = List.of(
            "dev/", "proc/", "sys/", "run/", "tmp/", "boot/", "var/cache/", "var/lib/dpkg/", "var/lib/apt/",
            "var/log/", "var/tmp/", "usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/",
            "usr/share/lintian/", "usr/share/bug/", "usr/share/doc-base/", "usr/lib/modules/", "etc/rc0.d/",
            "etc/rc1.d/", "etc/rc2.d/", "etc/rc3.d/", "etc/rc4.d/", "etc/rc5.d/", "etc/rc6.d/", "etc/rcS.d/",
            "etc/init.d/", "etc/cron.daily/", "etc/logrotate.d/",
            // Made by postinst scripts: a private key baked into a template would be every VM's key.
            "etc/ssl/private/", "etc/ssl/certs/ssl-cert-snakeoil.pem");

    /** Account databases: merged by name, not copied. */
    private static final List<String> ACCOUNTS = List.of("passwd", "group", "shadow", "gshadow");

    /** Remade in the VM from the merged tree, never carried. */
    private static final Set<String> REMADE = Set.of("etc/ld.so.cache", "etc/passwd-", "etc/group-", "etc/shadow-",
            "etc/gshadow-", "etc/subuid", "etc/subgid", "etc/machine-id", "etc/hostname", "etc/resolv.conf");

    /** What a build produced. */
    public record Result(Path file, LayerManifest manifest, long bytes, long treeBytes, int entries, boolean cached) {
    }

    /**
     * Everything the image is made of.
     *
     * @param extension     the profile's extension section
     * @param base          the profile's bootstrapped tree (not modified)
     * @param baseDigest    its cache key
     * @param extended      the tree bootstrapped with the extension's packages too (not modified)
     * @param extendedDigest its cache key
     * @param osId          {@code ID=} of the root's os-release (systemd-sysext merges only on a match)
     * @param osVersionId   {@code VERSION_ID=} of the root's os-release
     * @param minRootVersion oldest root image the extension runs on
     */
    public record Inputs(Extension extension, Path base, String baseDigest, Path extended, String extendedDigest,
                         String osId, String osVersionId, String minRootVersion, PrivateKey signingKey,
                         PublicKey publicKey, long epoch) {
    }

    private final CommandRunner runner;

    public ExtensionBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    public Result build(Inputs in, Path cacheDir, Path workDir) {
        String inputs = inputsDigest(in);
        Path cached = cacheDir.resolve("extensions").resolve(inputs.substring(0, 24)).resolve(in.extension().fileName());
        try {
            if (Files.isRegularFile(cached)) {
                LayerManifest m = LayerManifest.parse(Files.readAllBytes(cached.resolveSibling(LayerManifest.FILE)));
                String[] sizes = Files.readString(cached.resolveSibling("tree-bytes")).strip().split(" ");
                return new Result(cached, m, Files.size(cached), Long.parseLong(sizes[0]), Integer.parseInt(sizes[1]), true);
            }
            Path tree = workDir.resolve("extension-" + in.extension().name());
            Deletion.deleteTree(tree);
            Files.createDirectories(tree);
            String share = "usr/share/strata/" + in.extension().name() + "/";
            Selection sel = select(in.base(), in.extended());
            for (String rel : sel.carried()) {
                boolean state = rel.equals("etc") || rel.equals("var") || rel.startsWith("etc/") || rel.startsWith("var/");
                String to = state ? share + "root/" + rel : rel;
                copyEntry(in.extended().resolve(rel), tree.resolve(to));
            }
            for (String db : ACCOUNTS) {
                List<String> lines = newAccounts(in.base().resolve("etc").resolve(db), in.extended().resolve("etc").resolve(db));
                if (!lines.isEmpty()) {
                    write(tree.resolve(share + "accounts/" + db), String.join("\n", lines) + "\n", "rw-r--r--");
                }
            }
            write(tree.resolve(share + "not-carried"), sel.notCarried().isEmpty() ? ""
                    : String.join("\n", sel.notCarried()) + "\n", "rw-r--r--");
            for (FileEntry f : in.extension().files()) {
                Path target = tree.resolve(f.target().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(f.source(), target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, LayerFiles.permissions(f.mode()));
            }
            for (Map.Entry<String, String> l : new TreeMap<>(in.extension().links()).entrySet()) {
                Path link = tree.resolve(l.getKey().substring(1));
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of(l.getValue()));
            }
            // systemd-sysext merges an image only when this names the root's OS (or says ID=_any).
            write(tree.resolve("usr/lib/extension-release.d/extension-release." + in.extension().name()),
                    "ID=" + in.osId() + "\nVERSION_ID=" + in.osVersionId() + "\n", "rw-r--r--");
            setTimes(tree, in.epoch());
            long treeBytes = treeBytes(tree);
            int entries = sel.carried().size();

            LayerManifest manifest = new LayerManifest(in.extension().name(), in.extension().version(),
                    Instant.ofEpochSecond(in.epoch()), ContentDigest.of(tree), inputs, in.minRootVersion(), "", "", 1);
            Files.write(tree.resolve(LayerManifest.FILE), manifest.toBytes());
            Files.write(tree.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(manifest, in.signingKey()));
            for (Path p : List.of(tree.resolve(LayerManifest.FILE), tree.resolve(LayerManifest.SIGNATURE_FILE))) {
                Files.setPosixFilePermissions(p, LayerFiles.permissions(0644));
                Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(in.epoch())));
            }
            Files.setLastModifiedTime(tree, FileTime.from(Instant.ofEpochSecond(in.epoch())));

            Files.createDirectories(cached.getParent());
            Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            // Owners kept (statd's state folder belongs to statd); modes are the packages' own.
            LayerFiles.squash(runner, tree, tmp, in.epoch(), false);
            Files.write(cached.resolveSibling(LayerManifest.FILE), manifest.toBytes());
            Files.writeString(cached.resolveSibling("tree-bytes"), treeBytes + " " + entries + "\n");
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
            Deletion.deleteTree(tree);
            return new Result(cached, manifest, Files.size(cached), treeBytes, entries, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String inputsDigest(Inputs in) {
        Extension x = in.extension();
        Digest d = new Digest().add("layout", LAYOUT).add("name", x.name()).add("version", x.version())
                .add("packages", x.packages()).add("base", in.baseDigest()).add("extended", in.extendedDigest())
                .add("os", in.osId() + " " + in.osVersionId()).add("min-root", in.minRootVersion())
                .add("links", new TreeMap<>(x.links()).toString()).add("epoch", in.epoch())
                .add("key", HexFormat.of().formatHex(in.publicKey().getEncoded()));
        x.files().forEach(f -> d.add("file", f.target() + " " + Integer.toOctalString(f.mode())).addFile("source", f.source()));
        return d.hex();
    }

    /** The relative paths to carry (sorted, parents before children) and the /etc files left out. */
    record Selection(List<String> carried, List<String> notCarried) {
    }

    static Selection select(Path base, Path extended) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(extended)) {
            all = walk.filter(p -> !p.equals(extended)).sorted(Comparator.comparing(p -> extended.relativize(p).toString()))
                    .toList();
        }
        Set<String> carried = new LinkedHashSet<>();
        List<String> notCarried = new ArrayList<>();
        for (Path p : all) {
            String rel = extended.relativize(p).toString();
            boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            if (skipped(rel, dir)) {
                continue;
            }
            boolean system = rel.startsWith("usr/") || rel.startsWith("opt/");
            boolean state = rel.startsWith("etc/") || rel.startsWith("var/");
            if (!system && !state) {
                continue;
            }
            Path other = base.resolve(rel);
            if (dir) {
                if (!Files.exists(other, LinkOption.NOFOLLOW_LINKS)) {
                    carried.add(rel);
                }
                continue;
            }
            if (!Files.exists(other, LinkOption.NOFOLLOW_LINKS)) {
                addWithParents(carried, rel, base);
            } else if (!sameEntry(p, other)) {
                if (system) {
                    addWithParents(carried, rel, base);
                } else if (!REMADE.contains(rel) && !ACCOUNTS.contains(rel.substring(4))) {
                    notCarried.add(rel);
                }
            }
        }
        List<String> sorted = new ArrayList<>(carried);
        sorted.sort(Comparator.naturalOrder());
        return new Selection(sorted, notCarried);
    }

    private static boolean skipped(String rel, boolean dir) {
        String probe = dir ? rel + "/" : rel;
        if (SKIPPED_PREFIXES.stream().anyMatch(probe::startsWith)) {
            return true;
        }
        // systemctl enable links made by postinst scripts: the VM decides per type what runs.
        return Arrays.stream(rel.split("/")).anyMatch(part -> part.endsWith(".wants") || part.endsWith(".requires"));
    }

    /** A carried file needs its folders, with the extended tree's modes and owners, in the image too. */
    private static void addWithParents(Set<String> carried, String rel, Path base) {
        int slash = rel.lastIndexOf('/');
        while (slash > 0) {
            String parent = rel.substring(0, slash);
            carried.add(parent);
            slash = parent.lastIndexOf('/');
        }
        carried.add(rel);
    }

    private static boolean sameEntry(Path a, Path b) throws IOException {
        boolean la = Files.isSymbolicLink(a);
        boolean lb = Files.isSymbolicLink(b);
        if (la || lb) {
            return la && lb && Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
        }
        if (Files.isDirectory(b, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(b, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        return Files.size(a) == Files.size(b) && Files.mismatch(a, b) == -1
                && Files.getPosixFilePermissions(a, LinkOption.NOFOLLOW_LINKS)
                .equals(Files.getPosixFilePermissions(b, LinkOption.NOFOLLOW_LINKS));
    }

    /** Lines of the extended account database whose name (first field) the base lacks, in its order. */
    static List<String> newAccounts(Path base, Path extended) throws IOException {
        if (!Files.isRegularFile(extended)) {
            return List.of();
        }
        Set<String> known = new java.util.HashSet<>();
        if (Files.isRegularFile(base)) {
            Files.readAllLines(base, StandardCharsets.UTF_8).forEach(l -> known.add(l.split(":", 2)[0]));
        }
        return Files.readAllLines(extended, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !known.contains(l.split(":", 2)[0])).toList();
    }

    private static void copyEntry(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        if (Files.isSymbolicLink(from)) {
            Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        } else if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(to);
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } else {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
    }

    private static void write(Path file, String text, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
    }

    private static void setTimes(Path tree, long epoch) throws IOException {
        FileTime t = FileTime.from(Instant.ofEpochSecond(epoch));
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, t);
                }
            }
        }
    }

    private static long treeBytes(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** Refuses an extension that would put nothing useful on the VM (a typo in its package list shows here). */
    public static void requireContent(Result r, Extension x) {
        if (r.entries() == 0 && x.files().isEmpty()) {
            throw new BuildFailure("extension", "extension " + x.name() + " carries nothing: its packages "
                    + x.packages() + " add no file over the root filesystem");
        }
    }
}
