package dev.strata.builder.layer;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.Digest;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Layer;
import dev.strata.builder.tools.CommandRunner;
import dev.strata.layout.ContentDigest;
import dev.strata.layout.Deletion;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerSignatures;
import dev.strata.layout.ServiceMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds a layer image from a profile's {@code layer:} section: a jlink runtime, the jars, the
 * profile's files and {@code services.properties}; then the manifest (content digest, inputs
 * digest, SOURCE_DATE_EPOCH as its time), the Ed25519 signature, and one squashfs file. The
 * result is cached by the digest of every input, so an unchanged layer costs nothing, and the
 * same inputs always give the same bytes (modes and times are normalised; Ed25519 signatures
 * are deterministic).
 */
public final class LayerBuilder {

    /** Bump when the layer's layout changes, so cached layers of the old layout are not reused. */
    private static final String LAYOUT = "layer-layout-2"; // 2: content digest format 2 (owners, all mode bits)

    /** What a build produced. */
    public record Result(Path file, LayerManifest manifest, long bytes, long treeBytes, boolean cached) {
    }

    /**
     * Everything a layer is made of.
     *
     * @param layer      the profile's layer section
     * @param jars       jars for {@code lib/} (the agent and the CLI with their dependencies)
     * @param signingKey private Ed25519 key; its public half must sit beside it as {@code NAME.pub}
     * @param publicKey  the public half (goes into the inputs digest: another key, another layer)
     * @param epoch      SOURCE_DATE_EPOCH
     */
    public record Inputs(Layer layer, List<Path> jars, PrivateKey signingKey, PublicKey publicKey, long epoch) {
        public Inputs {
            jars = List.copyOf(jars);
        }
    }

    private final CommandRunner runner;

    public LayerBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    public static String fileName(Layer layer) {
        return layer.name() + "-" + layer.version() + ".layer";
    }

    public Result build(Inputs in, Path cacheDir, Path workDir) {
        String inputs = inputsDigest(in);
        Path cached = cacheDir.resolve("layers").resolve(inputs.substring(0, 24)).resolve(fileName(in.layer()));
        try {
            if (Files.isRegularFile(cached)) {
                LayerManifest m = LayerManifest.parse(Files.readAllBytes(manifestBeside(cached)));
                return new Result(cached, m, Files.size(cached), Long.parseLong(Files.readString(treeSizeBeside(cached)).strip()), true);
            }
            Path tree = workDir.resolve("layer-" + in.layer().version());
            Deletion.deleteTree(tree);
            Files.createDirectories(tree);
            if (!in.layer().javaModules().isEmpty()) {
                jlink(in.layer().javaModules(), tree.resolve("jre"));
            }
            copyJars(in.jars(), tree.resolve("lib"));
            copyFiles(in.layer().files(), tree);
            if (!in.layer().services().isEmpty()) {
                Files.write(tree.resolve(ServiceMap.FILE), new ServiceMap(in.layer().services()).toBytes());
            }
            requireCommand(tree, in.layer().entryPoint(), "layer.entry-point");
            requireCommand(tree, in.layer().healthCheck(), "layer.health-check");
            normalise(tree, in.epoch());
            long treeBytes = treeBytes(tree);

            LayerManifest manifest = new LayerManifest(in.layer().name(), in.layer().version(),
                    Instant.ofEpochSecond(in.epoch()),
                    // As the image will hold it: mksquashfs -all-root makes every entry root's,
                    // whoever builds; the verifier reads the owners unsquashfs gives back.
                    ContentDigest.of(tree, ContentDigest.Owners.ALL_ROOT, rel -> true), inputs, in.layer().minRootVersion(),
                    in.layer().entryPoint(), in.layer().healthCheck(), in.layer().healthTimeoutSeconds());
            Files.write(tree.resolve(LayerManifest.FILE), manifest.toBytes());
            Files.write(tree.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(manifest, in.signingKey()));
            // Only the two new files and their folder need it; the rest was normalised before the digest.
            for (Path p : List.of(tree.resolve(LayerManifest.FILE), tree.resolve(LayerManifest.SIGNATURE_FILE), tree)) {
                normaliseOne(p, in.epoch());
            }

            Files.createDirectories(cached.getParent());
            Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            squash(tree, tmp, in.epoch());
            Files.write(manifestBeside(cached), manifest.toBytes());
            Files.writeString(treeSizeBeside(cached), treeBytes + "\n");
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
            Deletion.deleteTree(tree);
            return new Result(cached, manifest, Files.size(cached), treeBytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path manifestBeside(Path layerFile) {
        return layerFile.resolveSibling(LayerManifest.FILE);
    }

    private static Path treeSizeBeside(Path layerFile) {
        return layerFile.resolveSibling("tree-bytes");
    }

    /** Every input, so that a change anywhere makes a new layer and nothing else does. */
    static String inputsDigest(Inputs in) {
        Layer l = in.layer();
        Digest d = new Digest().add("layout", LAYOUT).add("name", l.name()).add("version", l.version())
                .add("min-root", l.minRootVersion()).add("modules", l.javaModules()).add("entry", l.entryPoint())
                .add("health", l.healthCheck()).add("timeout", l.healthTimeoutSeconds())
                .add("services", new ServiceMap(l.services()).units()).add("epoch", in.epoch())
                .add("key", java.util.HexFormat.of().formatHex(in.publicKey().getEncoded()));
        if (!l.javaModules().isEmpty()) {
            Path release = Path.of(System.getProperty("java.home"), "release");
            d.add("jdk", System.getProperty("java.vm.version"));
            if (Files.exists(release)) {
                d.addFile("jdk-release", release);
            }
        }
        in.jars().stream().sorted(Comparator.comparing(p -> p.getFileName().toString())).forEach(j -> d.addFile("jar", j));
        l.files().forEach(f -> d.add("file", f.target() + " " + Integer.toOctalString(f.mode())).addFile("source", f.source()));
        return d.hex();
    }

    private void jlink(List<String> modules, Path out) {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        String tool = Files.isExecutable(jlink) ? jlink.toString() : "jlink";
        // --compress=0: squashfs compresses the whole layer better than jlink's zip would (measured).
        runner.run(CommandRunner.Command.of(List.of(tool, "--add-modules", String.join(",", modules),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=0", "--output", out.toString())));
    }

    private static void copyJars(List<Path> jars, Path lib) throws IOException {
        if (jars.isEmpty()) {
            return;
        }
        Files.createDirectories(lib);
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
                throw new BuildFailure("layer", "not a jar file: " + jar);
            }
            Path target = lib.resolve(jar.getFileName().toString());
            if (Files.exists(target)) {
                throw new BuildFailure("layer", "two jars with the same name for lib/: " + jar.getFileName());
            }
            Files.copy(jar, target);
        }
    }

    private static void copyFiles(List<FileEntry> files, Path tree) throws IOException {
        for (FileEntry f : files) {
            String rel = f.target().startsWith("/") ? f.target().substring(1) : f.target();
            Path target = tree.resolve(rel).normalize();
            if (!target.startsWith(tree)) {
                throw new BuildFailure("layer", "layer file target escapes the layer: " + f.target());
            }
            Files.createDirectories(target.getParent());
            Files.copy(f.source(), target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, permissions(f.mode()));
        }
    }

    private static void requireCommand(Path tree, String command, String key) {
        if (command.isEmpty()) {
            return;
        }
        Path program = tree.resolve(command.split(" ")[0]);
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            throw new BuildFailure("layer", key + " '" + command + "': " + command.split(" ")[0]
                    + " is not an executable file of the layer (add it under layer.files with mode 0755)");
        }
    }

    /** Directories 0755, files 0755 or 0644 by their owner-execute bit, every time = epoch. */
    private static void normalise(Path tree, long epoch) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(tree)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            normaliseOne(p, epoch);
        }
    }

    private static void normaliseOne(Path p, long epoch) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return;
        }
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        boolean exec = dir || Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(epoch)));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        return LayerFiles.permissions(mode);
    }

    private void squash(Path tree, Path out, long epoch) throws IOException {
        LayerFiles.squash(runner, tree, out, epoch, true);
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
}
