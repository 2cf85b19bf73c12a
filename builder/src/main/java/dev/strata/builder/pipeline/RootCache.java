package dev.strata.builder.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.profile.Hypervisor;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.rootfs.DpkgStatus;
import dev.strata.builder.rootfs.RootfsCustomizer.KernelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The customised root's products (root image, kernels, initramfs files, slimming report,
 * package list) kept in the stage cache ({@code stages/root/<digest>/}) by the digest of
 * everything they are made from: the bootstrapped tree's inputs, every profile key that shapes
 * the root (not the layer, the outputs' formats or the disk sizes), the content of every file
 * put into the root, the kernels needed, SOURCE_DATE_EPOCH, and the builder's own jar (its code
 * makes them). So a build whose root has not changed skips customize, root-image and initramfs:
 * the largest part of a warm build. The cached bytes are the ones a rebuild gives (those stages
 * are reproducible), so reproducibility is unchanged.
 */
final class RootCache {

    static final String STAGE = "root";
    private static final String RECIPE = "root-cache-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The products, as the later stages use them. */
    record Entry(Path rootImage, Map<Hypervisor, KernelFiles> kernels, Map<String, Path> initrds,
                 Map<String, Long> slimmed, List<DpkgStatus.InstalledPackage> packages) {
    }

    /** What is stored beside the files. */
    record Meta(Map<String, String> kernels, Map<String, Long> slimmed, List<DpkgStatus.InstalledPackage> packages) {
    }

    private final StageCache cache;

    RootCache(Path cacheDir) {
        this.cache = new StageCache(cacheDir);
    }

    /**
     * The cache key, or null when the builder does not run from a jar (a development class
     * folder cannot be fingerprinted cheaply: no caching rather than a wrong hit).
     */
    static String key(Profile profile, String rootfsDigest, Collection<String> kernelPackages, long epoch) {
        return key(profile, rootfsDigest, kernelPackages, epoch, builderJar());
    }

    /** @param code the jar whose code makes the root (null: not cacheable) */
    static String key(Profile profile, String rootfsDigest, Collection<String> kernelPackages, long epoch, Path code) {
        if (code == null) {
            return null;
        }
        Digest d = new Digest().add("recipe", RECIPE).add("rootfs", rootfsDigest).add("epoch", epoch)
                .add("name", profile.name()).add("version", profile.version())
                .add("distribution", canonical(profile.distribution())).add("packages", profile.packages())
                .add("kernel", canonical(profile.kernel())).add("services", canonical(profile.services()))
                .add("slim", canonical(profile.slim())).add("rootImage", canonical(profile.rootImage()))
                .add("kernels", new TreeSet<>(kernelPackages));
        for (FileEntry f : profile.files()) {
            d.add("file.target", f.target()).add("file.mode", f.mode()).add("file.sha256", Digest.sha256(f.source()));
        }
        d.add("builder.sha256", Digest.sha256(code));
        return d.hex();
    }

    Entry lookup(String key) {
        Path dir = cache.lookup(STAGE, key);
        if (dir == null || !Files.isRegularFile(dir.resolve("meta.json"))) {
            return null;
        }
        try {
            Meta meta = JSON.readValue(dir.resolve("meta.json").toFile(), new TypeReference<Meta>() { });
            Map<Hypervisor, KernelFiles> kernels = new LinkedHashMap<>();
            Map<String, Path> initrds = new LinkedHashMap<>();
            meta.kernels().forEach((h, release) -> {
                kernels.put(Hypervisor.fromId(h), new KernelFiles(release, dir.resolve("kernels").resolve(release).resolve("vmlinuz")));
                initrds.put(release, dir.resolve("initrd-" + release + ".img"));
            });
            return new Entry(dir.resolve("root.img"), kernels, initrds, meta.slimmed(), meta.packages());
        } catch (IOException e) {
            return null; // an unreadable entry is a miss; the build makes a new one
        }
    }

    /** Copies the products into a new entry (renamed into place when complete). */
    void store(String key, Entry e) {
        Path partial = cache.begin(STAGE, key);
        try {
            Files.copy(e.rootImage(), partial.resolve("root.img"), StandardCopyOption.COPY_ATTRIBUTES);
            Map<String, String> kernels = new LinkedHashMap<>();
            for (Map.Entry<Hypervisor, KernelFiles> k : e.kernels().entrySet()) {
                String release = k.getValue().release();
                kernels.put(k.getKey().id(), release);
                Path initrd = e.initrds().get(release);
                if (initrd == null) {
                    continue; // a kernel of an output not built this time: its entry would be incomplete
                }
                Path dir = Files.createDirectories(partial.resolve("kernels").resolve(release));
                if (!Files.exists(dir.resolve("vmlinuz"))) {
                    Files.copy(k.getValue().vmlinuz(), dir.resolve("vmlinuz"));
                    Files.copy(initrd, partial.resolve("initrd-" + release + ".img"));
                }
            }
            kernels.values().removeIf(release -> !e.initrds().containsKey(release));
            JSON.writeValue(partial.resolve("meta.json").toFile(), new Meta(kernels, e.slimmed(), e.packages()));
            cache.commit(STAGE, key, partial);
        } catch (IOException ex) {
            try {
                dev.strata.layout.Deletion.deleteTree(partial);
            } catch (IOException ignored) {
                // the next build's pruning removes a partial entry of a process that is gone
            }
            throw new UncheckedIOException("cannot store the root in the stage cache: " + ex.getMessage(), ex);
        }
    }

    /**
     * JSON with map entries sorted: the profile's maps are {@code Map.copyOf}, whose iteration
     * order (and so {@code toString}) changes from one JVM to the next.
     */
    static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper CANONICAL = dev.strata.builder.rootfs.ProfileJson.mapper().copy()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static Path builderJar() {
        try {
            Path p = Path.of(RootCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
