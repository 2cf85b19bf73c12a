package dev.strata.cli;

import dev.strata.builder.format.BundleWriter;
import dev.strata.builder.pipeline.BuildFailure;
import dev.strata.builder.layer.RuntimeJars;
import dev.strata.builder.pipeline.BuildOptions;
import dev.strata.builder.pipeline.BuildPipeline;
import dev.strata.builder.pipeline.BuildResult;
import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileException;
import dev.strata.builder.profile.ProfileLoader;
import dev.strata.builder.tools.MissingToolsException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(usageHelpWidth = 100, name = "build", mixinStandardHelpOptions = true,
        description = {"Build a profile's template bundle.", "",
            "Stages: rootfs (mmdebstrap, cached by its inputs) -> customize (files, services, slimming) ->",
            "root-image (squashfs/erofs) -> initramfs -> boot-partition (UEFI GRUB + BIOS syslinux) ->",
            "data-partition -> disk (GPT in a plain file) -> one file per hypervisor -> bundle",
            "(metadata.ini, md5sum.txt, sha512sum.txt, strata-bundle.json).",
            "",
            "As root: mmdebstrap root mode, the bootstrapped tree cached. As a normal user: unshare mode,",
            "Strata's stages inside mmdebstrap's user namespace (needs /etc/subuid and newuidmap).",
            "The output folder is replaced only when the whole build succeeded.",
            "Same inputs and SOURCE_DATE_EPOCH give the same root image and qcow2, byte for byte."})
final class BuildCommand implements Callable<Integer> {

    @Option(names = {"-p", "--profile"}, defaultValue = "debian", paramLabel = "NAME|FILE",
            description = "Profile name or YAML file (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = {"-o", "--output"}, defaultValue = "dist", paramLabel = "DIR",
            description = "Bundle folder (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Package and stage cache (default: ~/.cache/strata, or $XDG_CACHE_HOME/strata).")
    Path cacheDir;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Debian mirror to bootstrap from (default: this host's apt sources for the suite).")
    String mirror;

    @Option(names = "--hypervisor", split = ",", paramLabel = "HV",
            description = "Only these outputs: kvm, xenserver, vmware, hyperv, ovm3 (default: all of the profile's).")
    List<String> hypervisors = List.of();

    @Option(names = "--download-repository", paramLabel = "URL", defaultValue = BundleWriter.DEFAULT_REPOSITORY,
            description = {"Repository URL prefix of the downloadurl in metadata.ini: files at <prefix><major.minor>/<file>,",
                "the layout system.vm.templates.download.repository expects of a mirror; http(s) or file:/// (default:",
                "${DEFAULT-VALUE}, where the management package installs the bundle)."})
    String downloadRepository;

    @Option(names = "--no-stage-cache", description = "Rebuild every stage, even the cached root filesystem.")
    boolean noStageCache;

    @Option(names = "--keep-work", description = "Keep the work folder (slimmed root tree, partition images, build.log).")
    boolean keepWork;

    @Option(names = "--signing-key", paramLabel = "FILE", description = {
        "Private Ed25519 key that signs the layer (strata layer keygen NAME makes NAME.key and NAME.pub;",
        "the .pub must sit beside it and is baked into the root image as trusted). Default: a build key",
        "made once in the cache folder."})
    Path signingKey;

    @Option(names = "--json", description = "Print a machine-readable summary on standard output (progress goes to standard error).")
    boolean json;

    @Override
    public Integer call() {
        PrintStream progress = json ? System.err : System.out;
        try {
            BundleWriter.repositoryPrefix(downloadRepository); // a bad URL is refused before anything is built
            Profile loaded = new ProfileLoader().load(ProfileLocator.locate(profile));
            BuildOptions options = new BuildOptions(output, cacheDir != null ? cacheDir : BuildOptions.defaultCacheDir(),
                    mirror, BuildOptions.defaultEpoch(), Set.copyOf(hypervisors), !noStageCache, downloadRepository, keepWork)
                    .withLayer(RuntimeJars.ofThisProcess(), signingKey);
            BuildResult result = new BuildPipeline(new Reporter(progress)).build(loaded, options);
            if (json) {
                System.out.println(Json.write(result));
            } else {
                System.out.println();
                System.out.println("Bundle " + result.outputDir() + " (" + Reporter.seconds(result.totalMillis()) + "):");
                for (BuildResult.OutputFile f : result.files()) {
                    System.out.printf("  %-50s %10s%n", f.name(), Reporter.humanBytes(f.bytes()));
                }
                System.out.printf("  root image %s, sha256 %s%n", Reporter.humanBytes(result.rootImageBytes()),
                        result.rootImageSha256());
            }
            return 0;
        } catch (ProfileException | BuildFailure | MissingToolsException | IllegalArgumentException e) {
            System.err.println("strata build: " + e.getMessage());
            return e instanceof MissingToolsException ? 3 : 2;
        }
    }
}
