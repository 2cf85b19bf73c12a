package dev.strata.builder.rootfs;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.layout.Deletion;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.CommandFailedException;
import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The root filesystem, customisation, root image and initramfs of a build run by a normal user:
 * mmdebstrap in unshare mode, with Strata's own code run as a customize hook inside the user
 * namespace (where the tree's files belong to "root"), and the results synced out. Nothing
 * here needs root; the host needs user namespaces and subordinate ids (/etc/subuid, uidmap).
 * The bootstrap tree cannot be cached between builds this way (it lives in the namespace).
 */
public final class UnprivilegedRootfs {

    /** The hook that runs Strata inside the namespace: a constant; what varies comes by environment. */
    static final String HOOK = "\"$STRATA_JAVA\" -cp \"$1/" + NamespaceHandOver.IN
            + "/lib/*\" dev.strata.builder.rootfs.InNamespace \"$1\"";

    private final CommandRunner runner;
    private final Reporter reporter;

    public UnprivilegedRootfs(CommandRunner runner, Reporter reporter) {
        this.runner = runner;
        this.reporter = reporter;
    }

    /** Outputs in {@code workDir/ns-out}: root.img, kernels/&lt;release&gt;/vmlinuz, initrd-&lt;release&gt;.img, result.json. */
    public record Result(Path outDir, NamespaceHandOver.Result handOver) {
    }

    public Result build(Profile profile, List<String> mirrorLines, long epoch, String seed, Path cacheDir, Path workDir) {
        Path in = workDir.resolve("ns-in");
        Path out = workDir.resolve("ns-out");
        Path debs = RootfsBootstrap.debCache(cacheDir, profile);
        try {
            Deletion.deleteTree(in);
            Deletion.deleteTree(out);
            Files.createDirectories(debs);
            prepareHandOver(profile, epoch, seed, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("mmdebstrap", "--mode=unshare", "--format=null"));
        args.addAll(RootfsBootstrap.commonOptions(profile, debs));
        // Strata's own stages, inside the namespace, after the package cache was synced out.
        args.addAll(List.of(
                "--customize-hook=mkdir -p \"$1/" + NamespaceHandOver.IN + "\"",
                "--customize-hook=sync-in " + RootfsBootstrap.checkedPath(in) + " /" + NamespaceHandOver.IN,
                "--customize-hook=" + HOOK,
                "--customize-hook=sync-out /" + NamespaceHandOver.OUT + " " + RootfsBootstrap.checkedPath(out),
                profile.distribution().suite(),
                "/dev/null"));
        args.addAll(mirrorLines);
        try {
            Files.createDirectories(out);
            runner.run(CommandRunner.Command.of(args)
                    .withEnv("SOURCE_DATE_EPOCH", Long.toString(epoch))
                    .withEnv("STRATA_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()), line -> {
                        if (line.startsWith("I: ")) {
                            reporter.progress("rootfs", line.substring(3));
                        } else if (line.startsWith("[") || line.startsWith("       ")) {
                            reporter.info(line.strip()); // Strata's own stages, from inside the namespace
                        }
                    });
            NamespaceHandOver.Result result = ProfileJson.mapper()
                    .readValue(out.resolve("result.json").toFile(), NamespaceHandOver.Result.class);
            return new Result(out, result);
        } catch (CommandFailedException e) {
            throw BuildFailure.explain("rootfs", e, debs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** spec.json, the profile's files (renamed by index) and Strata's jars, for sync-in. */
    private static void prepareHandOver(Profile profile, long epoch, String seed, Path in) throws IOException {
        Files.createDirectories(in.resolve("files"));
        Files.createDirectories(in.resolve("lib"));
        List<FileEntry> files = new ArrayList<>();
        for (int i = 0; i < profile.files().size(); i++) {
            FileEntry f = profile.files().get(i);
            Files.copy(f.source(), in.resolve("files").resolve(Integer.toString(i)), StandardCopyOption.COPY_ATTRIBUTES);
            files.add(new FileEntry(Path.of(NamespaceHandOver.FILES_PREFIX + i), f.target(), f.mode()));
        }
        Profile handed = new Profile(profile.schema(), profile.name(), profile.description(), profile.version(),
                profile.distribution(), profile.packages(), profile.kernel(), files, profile.services(), profile.slim(),
                profile.size(), profile.rootImage(), profile.outputs(), profile.layer(),
                dev.strata.builder.profile.Extension.NONE, profile.source());
        ProfileJson.mapper().writeValue(in.resolve("spec.json").toFile(),
                new NamespaceHandOver.Spec(ProfileJson.write(handed), epoch, seed));
        int n = 0;
        for (Path entry : classpath()) {
            Path target = in.resolve("lib").resolve(String.format("%02d-%s", n++,
                    Files.isDirectory(entry) ? "classes.jar" : entry.getFileName().toString()));
            if (Files.isDirectory(entry)) {
                jar(entry, target);
            } else {
                Files.copy(entry, target);
            }
        }
    }

    /** Where Strata's classes and the libraries the namespace side uses were loaded from. */
    public static Set<Path> classpath() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String cls : List.of("dev.strata.builder.rootfs.InNamespace", "dev.strata.layout.Deletion",
                "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonParser", "com.fasterxml.jackson.annotation.JsonValue",
                "com.fasterxml.jackson.dataformat.yaml.YAMLFactory", "org.yaml.snakeyaml.Yaml",
                "org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream",
                "org.apache.commons.io.IOUtils", "org.apache.commons.lang3.StringUtils")) {
            try {
                Class<?> c = Class.forName(cls, false, UnprivilegedRootfs.class.getClassLoader());
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (ClassNotFoundException e) {
                // an optional library this build does not have
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return entries;
    }

    private static void jar(Path classesDir, Path target) throws IOException {
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os);
             Stream<Path> files = Files.walk(classesDir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classesDir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }
}
