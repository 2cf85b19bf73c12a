package dev.strata.builder.pipeline;

import dev.strata.layout.Deletion;
import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.format.FormatWriter;
import dev.strata.builder.image.BootPartitionBuilder;
import dev.strata.builder.image.DataPartitionBuilder;
import dev.strata.builder.image.DiskAssembler;
import dev.strata.builder.image.DiskLayout;
import dev.strata.builder.image.InitramfsBuilder;
import dev.strata.builder.image.InitramfsModules;
import dev.strata.builder.image.RootImageBuilder;
import dev.strata.builder.layer.ExtensionBuilder;
import dev.strata.builder.layer.JavaLibrary;
import dev.strata.builder.layer.LayerBuilder;
import dev.strata.builder.layer.SigningKey;
import dev.strata.builder.profile.Extension;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Output;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.rootfs.RootfsBootstrap;
import dev.strata.builder.rootfs.RootfsCustomizer;
import dev.strata.builder.rootfs.RootfsCustomizer.KernelFiles;
import dev.strata.builder.rootfs.DpkgStatus;
import dev.strata.builder.rootfs.UnprivilegedRootfs;
import dev.strata.builder.rootfs.TreeSizes;
import dev.strata.builder.tools.CommandRunner;
import dev.strata.builder.tools.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole build: profile to template bundle. Each stage is a function of its inputs; the
 * expensive bootstrap is cached by their digest. Everything is made in a work folder and a
 * staging folder beside the output; the output folder is replaced only when every file is
 * complete, so an interrupted or failed build never leaves a partial file where users look.
 */
public final class BuildPipeline {

    public static final List<String> STAGES = List.of("rootfs", "layer", "root-image", "extension", "data-partition",
            "boot-partition", "disk", "formats");

    private final Reporter reporter;
    private final List<BundleExtension> extensions;

    public BuildPipeline(Reporter reporter) {
        this(reporter, List.of());
    }

    /** @param extensions more bundle files (the SBOM), each written after the index files */
    public BuildPipeline(Reporter reporter, List<BundleExtension> extensions) {
        this.reporter = reporter;
        this.extensions = List.copyOf(extensions);
    }

    public BuildResult build(Profile profile, BuildOptions options) {
        long started = System.nanoTime();
        Path cacheDir = options.cacheDir().toAbsolutePath();
        Path outputDir = options.outputDir().toAbsolutePath();
        Path workDir = cacheDir.resolve("work").resolve(profile.name() + "-" + ProcessHandle.current().pid());
        Path staging = outputDir.resolveSibling("." + outputDir.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            BuildFolders.removeStaleWork(workDir.getParent());
            BuildFolders.removeStaleStaging(outputDir);
            Files.createDirectories(workDir);
            Files.createDirectories(staging);
            CommandRunner runner = new CommandRunner(workDir.resolve("build.log"));
            List<String> stages = new ArrayList<>(HostTools.BUILD_GROUPS);
            if (!HostTools.isRoot()) {
                stages.add("rootfs-unprivileged");
            }
            HostTools.ensure(stages, runner, reporter::info);
            reporter.info("profile " + profile.name() + " " + profile.version() + " from " + profile.source());
            reporter.info("work folder " + workDir + " (build log: build.log)");
            BuildResult result;
            try {
                result = buildIn(profile, options, cacheDir, workDir, staging, outputDir, runner, started);
            } catch (RuntimeException e) {
                BuildFolders.keepOnlyLog(workDir);
                reporter.info("build failed; full output in " + workDir.resolve("build.log"));
                throw e;
            }
            if (result.outputDir().equals(outputDir)) {
                reporter.info("nothing changed: " + outputDir + " already holds this bundle");
                Deletion.deleteTree(workDir);
                return new BuildResult(result.profile(), result.version(), outputDir, result.files(),
                        result.rootImageSha256(), result.rootImageBytes(), result.slimmedBytes(),
                        (System.nanoTime() - started) / 1_000_000, reporter.stages());
            }
            BuildFolders.publish(staging, outputDir);
            if (options.keepWork()) {
                Files.writeString(workDir.resolve(BuildFolders.KEEP_MARKER), "kept by --keep-work; delete this folder when done\n");
                reporter.info("work folder kept: " + workDir);
            } else {
                Deletion.deleteTree(workDir);
            }
            return new BuildResult(result.profile(), result.version(), outputDir, result.files(),
                    result.rootImageSha256(), result.rootImageBytes(), result.slimmedBytes(),
                    (System.nanoTime() - started) / 1_000_000, reporter.stages());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            BuildFolders.quietlyDelete(staging);
        }
    }

    /** The root image, kernels and initramfs files: what the disks are made of. */
    private record RootArtifacts(Path rootImage, Map<Hypervisor, KernelFiles> kernels, Map<String, Path> initrds,
                                 Map<String, Long> slimmed, List<DpkgStatus.InstalledPackage> packages,
                                 ExtensionBuilder.Result extension) {
    }

    /** Returns the staging folder's result, or the output folder's when it already holds this bundle. */
    private BuildResult buildIn(Profile profile, BuildOptions options, Path cacheDir, Path workDir, Path staging,
                                Path outputDir, CommandRunner runner, long started) throws IOException {
        Stage stage = new Stage(reporter);
        long epoch = options.sourceDateEpoch();
        List<String> mirrors = RootfsBootstrap.mirrorLines(profile, options.mirror(), Path.of("/etc/apt"));
        String seed = new Digest().add("rootfs", RootfsBootstrap.inputDigest(profile, mirrors, epoch))
                .add("profile", profile.name()).add("version", profile.version()).add("epoch", epoch).hex();

        SigningKey key = SigningKey.resolve(options.signingKey(), cacheDir, reporter::info);
        LayerBuilder.Result layer = buildLayer(profile, options, key, cacheDir, workDir, runner, stage);
        // The root image trusts the key that signed its layer (and, through /etc's overlay, any an operator adds).
        Profile rootProfile = profile.withRootFiles(List.of(new FileEntry(key.publicFile(),
                "/etc/strata/trusted-keys/" + key.publicFile().getFileName(), 0644)));

        // A profile with a system VM extension builds it from the bootstrapped tree, which a cached root
        // does not have: such profiles are not root-cached yet (docs/STATUS.md, issue 16 next steps).
        String rootKey = HostTools.isRoot() && profile.extension() == null ? RootCache.key(rootProfile, RootfsBootstrap.inputDigest(rootProfile, mirrors, epoch),
                kernelPackagesNeeded(rootProfile, options), epoch) : null;
        String bundleKey = rootKey == null ? null : new Digest().add("root", rootKey)
                .add("layer", layer.manifest().inputsSha256()).add("layer.file", LayerBuilder.fileName(profile.layer()))
                .add("outputs", RootCache.canonical(selectedOutputs(profile, options)))
                .add("size", RootCache.canonical(profile.size()))
                .add("downloadRepository", options.downloadRepository()).add("seed", seed)
                .add("extensions", extensions.stream().map(BundleExtension::stage).toList()).hex();
        if (options.useStageCache()) {
            BuildResult previous = UpToDate.check(outputDir, bundleKey, reporter.stages());
            if (previous != null) {
                return previous;
            }
        }

        RootArtifacts root = HostTools.isRoot()
                ? privilegedRoot(rootProfile, options, cacheDir, workDir, runner, stage, mirrors, seed, rootKey)
                : unprivilegedRoot(rootProfile, cacheDir, workDir, runner, stage, mirrors, seed, epoch);
        ExtensionBuilder.Result extension = root.extension();
        long rootSize = size(root.rootImage());
        if (rootSize > profile.size().rootImageMax()) {
            throw new BuildFailure("root-image", "the root image is " + Reporter.humanBytes(rootSize)
                    + ", over the profile's size.root-image-max of " + Reporter.humanBytes(profile.size().rootImageMax()));
        }

        Path dataImage = stage.run("data-partition", "formatting the data partition (ext4, "
                + Reporter.humanBytes(profile.size().dataSize()) + ", grows on first boot) with layer "
                + layer.manifest().version() + " installed", () -> {
            Path content = DataPartitionContent.withLayer(layer, extension, profile.size().dataSize(),
                    workDir.resolve("data-root"));
            Path img = new DataPartitionBuilder(runner).build(profile.size().dataSize(), uuid(seed, "data-fs"),
                    uuid(seed, "data-hash"), epoch, content, workDir.resolve("data.img"));
            BuildFolders.quietlyDelete(content);
            return Stage.Outcome.of(img, size(img));
        });

        // One disk per distinct kernel (normally one for all hypervisors).
        Map<KernelFiles, Path> disks = new LinkedHashMap<>();
        for (KernelFiles kernel : distinctKernels(profile, root.kernels(), options)) {
            Path initrd = root.initrds().get(kernel.release());
            Path boot = stage.run("boot-partition", "making the boot partition (UEFI GRUB + BIOS syslinux)", () -> {
                Path img = new BootPartitionBuilder(runner).build(kernel.vmlinuz(), initrd, profile.kernel().cmdline(),
                        epoch, workDir.resolve("boot-" + kernel.release()), workDir.resolve("boot-" + kernel.release() + ".img"));
                return Stage.Outcome.of(img, BootPartitionBuilder.SIZE);
            });
            Path disk = stage.run("disk", "assembling the GPT disk (" + Reporter.humanBytes(profile.size().diskSize())
                    + " virtual)", () -> {
                DiskLayout layout = DiskLayout.of(profile.size().diskSize(), BootPartitionBuilder.SIZE, rootSize,
                        profile.size().dataSize(), seed);
                Path raw = new DiskAssembler(runner).assemble(layout, List.of(boot, root.rootImage(), dataImage),
                        workDir.resolve("disk-" + kernel.release() + ".raw"));
                return Stage.Outcome.of(raw, size(raw));
            });
            disks.put(kernel, disk);
        }

        List<BuildResult.OutputFile> files = new ArrayList<>();
        FormatWriter formats = new FormatWriter(runner, reporter, epoch, seed);
        for (Output output : selectedOutputs(profile, options)) {
            String name = output.fileName(profile.version(), profile.distribution().cloudstackArch());
            Path disk = disks.get(root.kernels().get(output.hypervisor()));
            Path file = stage.run("format", "writing " + name, () -> {
                Path f = formats.write(output, disk, profile.size().diskSize(), workDir, staging.resolve(name));
                return Stage.Outcome.of(f, size(f));
            });
            files.add(new BuildResult.OutputFile(name, output.hypervisor().id(), size(file), Digest.sha256(file)));
        }

        String rootSha = Digest.sha256(root.rootImage());
        String layerName = LayerBuilder.fileName(profile.layer());
        Files.copy(layer.file(), staging.resolve(layerName));
        files.add(new BuildResult.OutputFile(layerName, "layer", layer.bytes(), Digest.sha256(layer.file())));
        if (extension != null) {
            String extName = profile.extension().fileName();
            Files.copy(extension.file(), staging.resolve(extName));
            files.add(new BuildResult.OutputFile(extName, "extension", extension.bytes(), Digest.sha256(extension.file())));
        }
        stage.run("bundle", "writing metadata.ini, md5sum.txt, sha512sum.txt, strata-bundle.json", () -> {
            List<JavaLibrary> libraries = options.layerJars().stream().map(JavaLibrary::describe).toList();
            new BundleWriter().write(profile, staging, files, rootSha, rootSize, root.packages(), libraries, epoch,
                    options.downloadRepository());
            return Stage.Outcome.of(staging, 0L);
        });
        for (BundleExtension bundleExtension : extensions) {
            stage.run(bundleExtension.stage(), bundleExtension.description(), () -> {
                List<String> written = bundleExtension.write(profile, staging, epoch);
                long bytes = written.stream().mapToLong(n -> size(staging.resolve(n))).sum();
                return new Stage.Outcome<>(written, bytes, false, Map.of("files", written));
            });
        }
        if (bundleKey != null) {
            Files.writeString(staging.resolve(UpToDate.KEY_FILE), bundleKey + "\n");
        }
        return new BuildResult(profile.name(), profile.version(), staging, files, rootSha, rootSize,
                root.slimmed(), (System.nanoTime() - started) / 1_000_000, reporter.stages());
    }

    private LayerBuilder.Result buildLayer(Profile profile, BuildOptions options, SigningKey key, Path cacheDir,
                                           Path workDir, CommandRunner runner, Stage stage) {
        return stage.run("layer", "building layer " + profile.layer().name() + " " + profile.layer().version() + " ("
                + (profile.layer().javaModules().isEmpty() ? "no Java runtime" : "jlink runtime")
                + ", " + options.layerJars().size() + " jars)", () -> {
            LayerBuilder.Result r = new LayerBuilder(runner).build(new LayerBuilder.Inputs(profile.layer(),
                    options.layerJars(), key.privateKey(), key.publicKey(), options.sourceDateEpoch()), cacheDir, workDir);
            reporter.info("layer " + r.manifest().version() + ": " + Reporter.humanBytes(r.bytes()) + " compressed, "
                    + Reporter.humanBytes(r.treeBytes()) + " installed, content sha256 " + r.manifest().contentSha256());
            return new Stage.Outcome<>(r, r.bytes(), r.cached(), Map.of("installedBytes", r.treeBytes()));
        });
    }

    /** As root: mmdebstrap root mode with the tree cached by its inputs, then the stages on a copy. */
    private RootArtifacts privilegedRoot(Profile profile, BuildOptions options, Path cacheDir, Path workDir,
                                         CommandRunner runner, Stage stage, List<String> mirrors, String seed,
                                         String rootKey) {
        RootCache rootCache = new RootCache(cacheDir);
        if (options.useStageCache() && rootKey != null) {
            RootCache.Entry hit = rootCache.lookup(rootKey);
            if (hit != null) {
                return stage.run("root-image", "root image, kernels and initramfs unchanged: from the stage cache", () ->
                        new Stage.Outcome<>(new RootArtifacts(hit.rootImage(), hit.kernels(), hit.initrds(), hit.slimmed(),
                                hit.packages(), null), size(hit.rootImage()), true, Map.of("digest", rootKey)));
            }
        }
        RootArtifacts built = buildPrivilegedRoot(profile, options, cacheDir, workDir, runner, stage, mirrors, seed);
        if (rootKey != null) {
            rootCache.store(rootKey, new RootCache.Entry(built.rootImage(), built.kernels(), built.initrds(),
                    built.slimmed(), built.packages()));
        }
        return built;
    }

    /**
     * The kernel releases the selected outputs boot, as the profile names them (package names are
     * enough for the cache key: the release comes from the package, whose version the rootfs digest covers).
     */
    private static List<String> kernelPackagesNeeded(Profile profile, BuildOptions options) {
        return selectedOutputs(profile, options).stream()
                .map(o -> profile.kernel().packageFor(o.hypervisor()))
                .distinct().sorted().toList();
    }

    private RootArtifacts buildPrivilegedRoot(Profile profile, BuildOptions options, Path cacheDir, Path workDir,
                                              CommandRunner runner, Stage stage, List<String> mirrors, String seed) {
        long epoch = options.sourceDateEpoch();
        RootfsBootstrap.Result rootfs = stage.run("rootfs", "bootstrapping " + profile.distribution().name() + " "
                + profile.distribution().suite() + " (" + profile.packages().size() + " packages) with mmdebstrap", () -> {
            RootfsBootstrap.Result r = new RootfsBootstrap(runner, reporter)
                    .bootstrap(profile, mirrors, epoch, cacheDir, options.useStageCache());
            return new Stage.Outcome<>(r, TreeSizes.size(r.tree()), r.cached(), Map.of("digest", r.digest()));
        });

        RootfsCustomizer.Result custom = stage.run("customize", "adding files and services, slimming", () -> {
            RootfsCustomizer.Result r = new RootfsCustomizer(runner).customize(profile, rootfs.tree(), workDir, epoch);
            Map<String, Object> details = new LinkedHashMap<>();
            r.slimmed().forEach((k, v) -> details.put("removed." + k, v));
            details.putAll(partSizes(r.root()));
            r.slimmed().forEach((k, v) -> reporter.info(String.format("removed %-22s %s", k, Reporter.humanBytes(v))));
            partSizes(r.root()).forEach((k, v) -> reporter.info(String.format("kept    %-22s %s", k,
                    Reporter.humanBytes((Long) v))));
            return new Stage.Outcome<>(r, TreeSizes.size(r.root()), false, details);
        });

        Path rootImage = stage.run("root-image", "packing the read-only root (" + profile.rootImage().filesystem().id()
                + ", " + profile.rootImage().compression() + ")", () -> {
            Path img = new RootImageBuilder(runner, reporter).build(custom.root(), profile.rootImage(), epoch,
                    uuid(seed, "root-fs"), workDir.resolve("root.img"));
            return Stage.Outcome.of(img, size(img));
        });

        Map<String, Path> initrds = new LinkedHashMap<>();
        List<KernelFiles> kernels = distinctKernels(profile, custom.kernels(), options);
        Map<String, List<String>> modules = InitramfsModules.perKernel(custom.root(),
                kernels.stream().map(KernelFiles::release).toList(), profile.kernel().initramfsModules(), reporter::info);
        for (KernelFiles kernel : kernels) {
            Path initrd = stage.run("initramfs", "writing the initramfs for " + kernel.release(), () -> {
                InitramfsBuilder.Result r = new InitramfsBuilder().build(new InitramfsBuilder.Spec(custom.root(),
                        kernel.release(), modules.get(kernel.release()), profile.rootImage().filesystem().id(),
                        epoch), workDir.resolve("initrd-" + kernel.release() + ".img"));
                return new Stage.Outcome<>(r.file(), size(r.file()), false, Map.of("modules", r.modules().size()));
            });
            initrds.put(kernel.release(), initrd);
        }
        ExtensionBuilder.Result extension = buildExtension(profile, options, rootfs, cacheDir, workDir, runner, stage,
                mirrors);
        return new RootArtifacts(rootImage, custom.kernels(), initrds, custom.slimmed(), custom.packages(), extension);
    }

    /**
     * The system VM extension: a second tree bootstrapped with the extension's packages too (cached
     * like the first), and of it what the first lacks (docs/systemvm.md). Null when the profile has none.
     */
    private ExtensionBuilder.Result buildExtension(Profile profile, BuildOptions options, RootfsBootstrap.Result base,
                                                   Path cacheDir, Path workDir, CommandRunner runner, Stage stage,
                                                   List<String> mirrors) {
        Extension x = profile.extension();
        if (!x.present()) {
            return null;
        }
        long epoch = options.sourceDateEpoch();
        Profile extendedProfile = profile.withPackages(x.packages());
        RootfsBootstrap.Result extended = stage.run("extension-rootfs", "bootstrapping the " + x.name()
                + " extension's tree (" + x.packages().size() + " more packages)", () -> {
            RootfsBootstrap.Result r = new RootfsBootstrap(runner, reporter)
                    .bootstrap(extendedProfile, mirrors, epoch, cacheDir, options.useStageCache());
            return new Stage.Outcome<>(r, TreeSizes.size(r.tree()), r.cached(), Map.of("digest", r.digest()));
        });
        Map<String, String> os = OsRelease.read(base.tree());
        SigningKey key = SigningKey.resolve(options.signingKey(), cacheDir, reporter::info);
        return stage.run("extension", "building the " + x.name() + " extension " + x.version()
                + " (systemd-sysext image, signed)", () -> {
            ExtensionBuilder.Result r = new ExtensionBuilder(runner).build(new ExtensionBuilder.Inputs(x, base.tree(),
                    base.digest(), extended.tree(), extended.digest(), os.getOrDefault("ID", ""),
                    os.getOrDefault("VERSION_ID", ""), profile.version(), key.privateKey(), key.publicKey(), epoch),
                    cacheDir, workDir);
            ExtensionBuilder.requireContent(r, x);
            reporter.info("extension " + x.name() + " " + r.manifest().version() + ": " + Reporter.humanBytes(r.bytes())
                    + " compressed, " + Reporter.humanBytes(r.treeBytes()) + " merged, " + r.entries()
                    + " entries from its packages, content sha256 " + r.manifest().contentSha256());
            return new Stage.Outcome<>(r, r.bytes(), r.cached(), Map.of("mergedBytes", r.treeBytes()));
        });
    }

    /**
     * As a normal user: mmdebstrap in unshare mode, with customisation, root image and initramfs
     * made inside its user namespace (see {@link UnprivilegedRootfs}).
     */
    private RootArtifacts unprivilegedRoot(Profile profile, Path cacheDir, Path workDir, CommandRunner runner,
                                           Stage stage, List<String> mirrors, String seed, long epoch) {
        UnprivilegedRootfs.Result r = stage.run("rootfs", "bootstrapping " + profile.distribution().name() + " "
                + profile.distribution().suite() + " without root (mmdebstrap unshare mode); customize, root image "
                + "and initramfs run inside its user namespace", () -> {
            UnprivilegedRootfs.Result result = new UnprivilegedRootfs(runner, reporter)
                    .build(profile, mirrors, epoch, seed, cacheDir, workDir);
            return Stage.Outcome.of(result, size(result.outDir().resolve("root.img")));
        });
        Map<Hypervisor, KernelFiles> kernels = new LinkedHashMap<>();
        Map<String, Path> initrds = new LinkedHashMap<>();
        r.handOver().kernels().forEach((h, release) -> {
            kernels.put(h, new KernelFiles(release, r.outDir().resolve("kernels").resolve(release).resolve("vmlinuz")));
            initrds.put(release, r.outDir().resolve("initrd-" + release + ".img"));
        });
        if (profile.extension().present()) {
            // The extension diffs two bootstrapped trees; in unshare mode neither leaves mmdebstrap's namespace.
            reporter.info("WARNING: the " + profile.extension().name() + " extension (secondary storage and console "
                    + "proxy VMs) is built only by a build run as root; this template has none (docs/systemvm.md)");
        }
        return new RootArtifacts(r.outDir().resolve("root.img"), kernels, initrds, r.handOver().slimmed(),
                r.handOver().packages(), null);
    }

    private static List<KernelFiles> distinctKernels(Profile profile, Map<Hypervisor, KernelFiles> kernels,
                                                     BuildOptions options) {
        return selectedOutputs(profile, options).stream().map(o -> kernels.get(o.hypervisor())).distinct().toList();
    }

    static List<Output> selectedOutputs(Profile profile, BuildOptions options) {
        List<Output> selected = profile.outputs().stream()
                .filter(o -> options.onlyHypervisors().isEmpty() || options.onlyHypervisors().contains(o.hypervisor().id()))
                .toList();
        if (selected.isEmpty()) {
            throw new BuildFailure("formats", "no output of the profile matches --hypervisor "
                    + options.onlyHypervisors() + "; the profile has: "
                    + profile.outputs().stream().map(o -> o.hypervisor().id()).toList());
        }
        return selected;
    }

    /** Sizes of the main parts of the root tree, for the size report. */
    private static Map<String, Object> partSizes(Path root) {
        Map<String, Object> parts = new LinkedHashMap<>();
        for (String part : List.of("usr/lib/modules", "usr/lib/x86_64-linux-gnu", "usr/lib/systemd", "usr/bin",
                "usr/sbin", "usr/share", "etc", "var")) {
            parts.put("kept./" + part, TreeSizes.size(root.resolve(part)));
        }
        return parts;
    }






    static UUID uuid(String seed, String what) {
        return UUID.nameUUIDFromBytes(("strata:" + seed + ":" + what).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
