package dev.strata.builder.rootfs;

import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.pipeline.Digest;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.pipeline.StageCache;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.tools.CommandFailedException;
import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Bootstraps the Debian root filesystem with mmdebstrap, from the host's apt sources (or the
 * given mirror), keeping downloaded packages in a cache that the next build reuses, and caching
 * the whole tree by the digest of its inputs.
 */
public final class RootfsBootstrap {

    /** Bumped when the way the tree is made changes, so old cache entries are not reused. */
    private static final String RECIPE = "rootfs-2";

    private final CommandRunner runner;
    private final Reporter reporter;

    public RootfsBootstrap(CommandRunner runner, Reporter reporter) {
        this.runner = runner;
        this.reporter = reporter;
    }

    /** Result: the tree and whether it came from the cache. */
    public record Result(Path tree, String digest, boolean cached) {
    }

    /** The digest of everything the bootstrapped tree depends on: its cache key. */
    public static String inputDigest(Profile profile, List<String> mirrorLines, long epoch) {
        return new Digest().add("recipe", RECIPE)
                .add("suite", profile.distribution().suite())
                .add("arch", profile.distribution().architecture())
                .add("variant", profile.distribution().variant())
                .add("components", profile.distribution().components())
                .add("packages", packages(profile))
                .add("mirrors", mirrorLines)
                .add("epoch", epoch)
                .hex();
    }

    public Result bootstrap(Profile profile, List<String> mirrorLines, long epoch, Path cacheDir, boolean useCache) {
        String key = inputDigest(profile, mirrorLines, epoch);
        StageCache cache = new StageCache(cacheDir);
        Path hit = cache.lookup("rootfs", key);
        if (useCache && hit != null) {
            return new Result(hit.resolve("tree"), key, true);
        }
        Path partial = cache.begin("rootfs", key);
        Path tree = partial.resolve("tree");
        Path debs = debCache(cacheDir, profile);
        try {
            Files.createDirectories(debs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("mmdebstrap", "--mode=root"));
        args.addAll(commonOptions(profile, debs));
        args.addAll(List.of(profile.distribution().suite(), tree.toString()));
        args.addAll(mirrorLines);
        int[] count = {0};
        try {
            runner.run(CommandRunner.Command.of(args).withEnv("SOURCE_DATE_EPOCH", Long.toString(epoch)),
                    line -> {
                        count[0]++;
                        if (line.startsWith("I: ")) {
                            reporter.progress("rootfs", line.substring(3));
                        }
                    });
        } catch (CommandFailedException e) {
            throw BuildFailure.explain("rootfs", e, debs);
        }
        Path entry = cache.commit("rootfs", key, partial);
        return new Result(entry.resolve("tree"), key, false);
    }

    /**
     * The mmdebstrap options every bootstrap shares, root mode or not: what to install, and the
     * package cache (copied in before download, copied back out after install). The hook strings
     * are constants; the only variable part is a validated path.
     */
    static List<String> commonOptions(Profile profile, Path debs) {
        return List.of(
                "--variant=" + profile.distribution().variant(),
                "--arch=" + profile.distribution().architecture(),
                "--components=" + String.join(",", profile.distribution().components()),
                "--aptopt=Apt::Install-Recommends \"false\"",
                "--include=" + String.join(",", packages(profile)),
                // Installs usr-is-merged before anything asks for "usrmerge | usr-is-merged";
                // otherwise apt picks usrmerge, which drags perl (40 MB) into the image.
                "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
                "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
                "--setup-hook=sync-in " + checkedPath(debs) + " /var/cache/apt/archives/",
                "--customize-hook=sync-out /var/cache/apt/archives " + checkedPath(debs),
                "--skip=download/empty");
    }

    /** Where downloaded packages for the profile's suite and architecture are kept between builds. */
    static Path debCache(Path cacheDir, Profile profile) {
        return cacheDir.resolve("debs").resolve(profile.distribution().suite() + "-" + profile.distribution().architecture());
    }

    /** Profile packages plus every kernel package any output needs, sorted and unique. */
    static List<String> packages(Profile profile) {
        TreeSet<String> all = new TreeSet<>(profile.packages());
        all.add(profile.kernel().packageName());
        all.addAll(profile.kernel().hypervisors().values());
        return List.copyOf(all);
    }

    /** mmdebstrap splits special hooks on spaces: refuse paths it would misread. */
    static String checkedPath(Path p) {
        String s = p.toAbsolutePath().toString();
        if (!s.matches("[A-Za-z0-9_./+-]+")) {
            throw new IllegalArgumentException("cache folder path may only contain letters, digits and _ . / + -: " + s);
        }
        return s;
    }

    /** The mirror arguments for mmdebstrap: the --mirror option, else the host's sources for the suite. */
    public static List<String> mirrorLines(Profile profile, String mirror, Path aptDir) {
        List<String> components = profile.distribution().components();
        String suite = profile.distribution().suite();
        if (mirror != null) {
            return List.of("deb " + mirror + " " + suite + " " + String.join(" ", components));
        }
        List<AptSources.Source> sources = AptSources.forSuite(AptSources.read(aptDir), suite);
        if (sources.isEmpty()) {
            throw new BuildFailure("rootfs", "this host's apt sources (" + aptDir + ") have no entry for the suite '"
                    + suite + "'; pass --mirror <debian mirror URL> (e.g. the one your other " + suite
                    + " machines use)");
        }
        return sources.stream().map(s -> s.toLine(components)).toList();
    }
}
