package dev.strata.builder.rootfs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.image.InitramfsBuilder;
import dev.strata.builder.image.InitramfsModules;
import dev.strata.builder.image.RootImageBuilder;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The part of an unprivileged build that runs inside mmdebstrap's user namespace (as a
 * customize hook), where the tree's files belong to "root": customise and slim the tree, pack
 * the root image, write the initramfs. The same classes as a root build, in place.
 * Usage (by UnprivilegedRootfs only): {@code InNamespace <tree>}.
 */
public final class InNamespace {

    private InNamespace() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: InNamespace <root tree>  (run by strata build as a mmdebstrap hook)");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        Path in = root.resolve(NamespaceHandOver.IN);
        Path out = Files.createDirectories(root.resolve(NamespaceHandOver.OUT));
        ObjectMapper json = ProfileJson.mapper();
        NamespaceHandOver.Spec spec = json.readValue(in.resolve("spec.json").toFile(), NamespaceHandOver.Spec.class);
        Profile profile = withLocalFiles(ProfileJson.read(spec.profileJson()), in.resolve("files"));
        Reporter reporter = new Reporter(System.out);
        CommandRunner runner = new CommandRunner(null);

        reporter.stageStarted("customize", "adding files and services, slimming (in the user namespace)");
        RootfsCustomizer.Result custom = new RootfsCustomizer(runner)
                .customizeInPlace(profile, root, out.resolve("kernels"), spec.epoch());
        custom.slimmed().forEach((k, v) -> reporter.info(String.format("removed %-22s %s", k, Reporter.humanBytes(v))));

        reporter.stageStarted("root-image", "packing the read-only root (in the user namespace)");
        new RootImageBuilder(runner, reporter).build(root, profile.rootImage(), spec.epoch(),
                UUID.nameUUIDFromBytes(("strata:" + spec.seed() + ":root-fs").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                out.resolve("root.img"), List.of(NamespaceHandOver.IN, NamespaceHandOver.OUT));

        Map<Hypervisor, String> kernels = new LinkedHashMap<>();
        custom.kernels().forEach((h, k) -> kernels.put(h, k.release()));
        Map<String, List<String>> modules = InitramfsModules.perKernel(root, new java.util.LinkedHashSet<>(kernels.values()),
                profile.kernel().initramfsModules(), reporter::info);
        for (String release : modules.keySet()) {
            reporter.stageStarted("initramfs", "writing the initramfs for " + release);
            new InitramfsBuilder().build(new InitramfsBuilder.Spec(root, release, modules.get(release),
                    profile.rootImage().filesystem().id(), spec.epoch()), out.resolve("initrd-" + release + ".img"));
        }
        json.writeValue(out.resolve("result.json").toFile(),
                new NamespaceHandOver.Result(kernels, custom.slimmed(), custom.packages()));
    }

    /** Profile file sources were rewritten to {@link NamespaceHandOver#FILES_PREFIX}N; point them at the copies. */
    static Profile withLocalFiles(Profile p, Path filesDir) {
        List<FileEntry> files = p.files().stream().map(f -> {
            String s = f.source().toString();
            return s.startsWith(NamespaceHandOver.FILES_PREFIX)
                    ? new FileEntry(filesDir.resolve(s.substring(NamespaceHandOver.FILES_PREFIX.length())), f.target(), f.mode())
                    : f;
        }).toList();
        return new Profile(p.schema(), p.name(), p.description(), p.version(), p.distribution(), p.packages(),
                p.kernel(), files, p.services(), p.slim(), p.size(), p.rootImage(), p.outputs(), p.layer(),
                dev.strata.builder.profile.Extension.NONE, p.source());
    }
}
