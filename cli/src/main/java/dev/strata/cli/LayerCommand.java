package dev.strata.cli;

import dev.strata.layout.ContentDigest;
import dev.strata.layout.LayerException;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerSignatures;
import dev.strata.layout.LayerStore;
import dev.strata.layout.HealthGate;
import dev.strata.layout.LayerKeys;
import dev.strata.layout.LiveSwitch;
import dev.strata.layout.SystemdServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata layer ...}: the /router/&lt;version&gt; layers of a system VM's data partition. */
@Command(name = "layer", usageHelpWidth = 100, mixinStandardHelpOptions = true,
        description = {"Build, sign, verify, install, activate, roll back and collect /router/<version> layers.", "",
            "A layer is one squashfs file (NAME-VERSION.layer, made by `layer build` or `strata build`) or,",
            "during development, a folder; either holds manifest.properties and manifest.sig (Ed25519 over",
            "the manifest, which holds the content's sha256). Pointers in the router folder: latest,",
            "known-good (links), trying (a file). Only a layer signed by a trusted key (--trusted-keys: a",
            "folder of *.pub files) installs, and only on a root image at least its min-root-version.", "",
            "Live upgrade inside a system VM:",
            "  strata layer install /tmp/router-4.22.1.layer",
            "  strata layer activate 4.22.1 --live     # restart what changed; health gate; auto rollback",
            "  strata layer list                        # latest, known-good, trying, last health check"},
        subcommands = {LayerBuildCommand.class, LayerCommand.Inspect.class, LayerCommand.Keygen.class,
            LayerCommand.Sign.class, LayerCommand.Verify.class, LayerCommand.Install.class, LayerCommand.Activate.class,
            LayerCommand.MarkGood.class, LayerCommand.Rollback.class, LayerCommand.ListLayers.class,
            LayerCommand.Gc.class})
final class LayerCommand {

    /** Options every operation on a router folder takes. */
    static class StoreOptions {
        @Option(names = "--router-dir", defaultValue = "/data/router", paramLabel = "DIR",
                description = "The layers folder on the data partition (default: ${DEFAULT-VALUE}).")
        Path routerDir;

        @Option(names = "--trusted-keys", defaultValue = "/etc/strata/trusted-keys", paramLabel = "DIR",
                description = "Folder of trusted Ed25519 public keys, *.pub (default: ${DEFAULT-VALUE}).")
        Path trustedKeys;

        @Option(names = "--root-release", defaultValue = "/etc/strata/release", paramLabel = "FILE",
                description = "The root image's release file; its STRATA_VERSION is checked against a layer's "
                        + "min-root-version (default: ${DEFAULT-VALUE}; absent: no check).")
        Path rootRelease;

        LayerStore store() {
            return new LayerStore(routerDir, LayerKeys.readTrusted(trustedKeys), LayerStore.StepHook.NONE,
                    SystemdServices.rootVersion(rootRelease));
        }
    }

    abstract static class Op implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOptions opts = new StoreOptions();

        @Override
        public Integer call() {
            try {
                run(opts.store());
                return 0;
            } catch (LayerException | IllegalArgumentException e) {
                System.err.println("strata layer: " + e.getMessage());
                return 2;
            }
        }

        abstract void run(LayerStore store);
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Make an Ed25519 key pair: NAME.key (private, 0600) and NAME.pub.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Path prefix of the two files.")
        Path name;

        @Override
        public Integer call() {
            if (Files.exists(Path.of(name + ".key"))) {
                System.err.println("strata layer keygen: " + name + ".key exists; not overwriting a key");
                return 2;
            }
            LayerKeys.generate(name);
            System.out.println("wrote " + name + ".key (private, 0600) and " + name + ".pub");
            return 0;
        }
    }

    @Command(name = "sign", description = "Write manifest.properties and manifest.sig for a layer folder.")
    static final class Sign implements Callable<Integer> {
        // Not the standard help mixin: its -V/--version would clash with the layer's --version.
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
        @Parameters(index = "0", paramLabel = "DIR") Path dir;
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key (from keygen).") Path key;
        @Option(names = "--name", defaultValue = "router") String name;
        @Option(names = "--version", required = true) String version;
        @Option(names = "--min-root-version", defaultValue = "0") String minRoot;
        @Option(names = "--entry-point", defaultValue = "bin/strata-agent") String entryPoint;
        @Option(names = "--health-check", defaultValue = "bin/strata-agent --health") String healthCheck;
        @Option(names = "--health-timeout", defaultValue = "60") int healthTimeout;
        @Option(names = "--inputs-sha256", defaultValue = "0000000000000000000000000000000000000000000000000000000000000000")
        String inputs;

        @Override
        public Integer call() throws Exception {
            long epoch = Long.parseLong(System.getenv().getOrDefault("SOURCE_DATE_EPOCH", "1767225600"));
            LayerManifest m = new LayerManifest(name, version, Instant.ofEpochSecond(epoch), ContentDigest.of(dir), inputs,
                    minRoot, entryPoint, healthCheck, healthTimeout);
            Files.write(dir.resolve(LayerManifest.FILE), m.toBytes());
            Files.write(dir.resolve(LayerManifest.SIGNATURE_FILE), LayerSignatures.sign(m, LayerKeys.readPrivate(key)));
            System.out.println("signed " + name + " " + version + " content sha256 " + m.contentSha256());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a layer's (file or folder) signature and content digest.")
    static final class Verify extends Op {
        @Parameters(paramLabel = "LAYER") Path layer;

        @Override
        void run(LayerStore store) {
            LayerManifest m = store.verify(layer);
            System.out.println("OK " + m.name() + " " + m.version() + " content sha256 " + m.contentSha256());
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show a layer's manifest (file or folder), whether its signature is "
            + "trusted and its content matches.")
    static final class Inspect extends Op {
        @Parameters(paramLabel = "LAYER") Path layer;

        @Override
        void run(LayerStore store) {
            LayerFiles.withFolder(layer, dir -> {
                LayerManifest m = LayerFiles.manifestOf(dir);
                System.out.print(new String(m.toBytes(), java.nio.charset.StandardCharsets.UTF_8));
                System.out.println("services: " + dev.strata.layout.ServiceMap.of(dir).units());
                return m;
            });
            try {
                store.verify(layer); // errors then name the file given, not a temporary folder
                System.out.println("verified: signed by a trusted key, content matches");
            } catch (LayerException e) {
                System.out.println("NOT verified: " + e.getMessage());
            }
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true, description = "Verify a layer (file or folder) and stage it as <router-dir>/<version>.")
    static final class Install extends Op {
        @Parameters(paramLabel = "LAYER") Path dir;

        @Override
        void run(LayerStore store) {
            System.out.println("installed " + store.install(dir).version());
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = {"Point latest at an installed version (on trial until mark-good).",
        "With --live (inside a running system VM): restart the units whose files changed, run the health gate",
        "(strata-layer-check), which marks it good or rolls back by itself. Exit 0 only if the new layer is good."})
    static final class Activate extends Op {
        @Parameters(paramLabel = "VERSION") String version;

        @Option(names = "--live", description = "Switch the running system: restart changed units, health gate.")
        boolean live;

        int exit;

        @Override
        void run(LayerStore store) {
            if (!live) {
                store.activate(version);
                System.out.println("latest -> " + version + " (trying; next boot or `strata-layer-check` decides)");
                return;
            }
            LiveSwitch.Outcome o = new LiveSwitch(store, new SystemdServices(opts.routerDir)).switchTo(version);
            System.out.println("switched " + o.from() + " -> " + o.to() + "; restarted: "
                    + (o.restarted().isEmpty() ? "nothing" : String.join(", ", o.restarted())));
            HealthGate.Verdict v = o.verdict();
            System.out.println("health gate: " + v.result() + " (checked " + v.checked() + ", active " + v.active()
                    + "): " + v.reason());
            if (!o.healthy()) {
                throw new LayerException("layer " + version + " did not pass its health check; active layer: "
                        + v.active());
            }
        }
    }

    @Command(name = "mark-good", mixinStandardHelpOptions = true, description = "The active layer passed its health check: make it known-good.")
    static final class MarkGood extends Op {
        @Override
        void run(LayerStore store) {
            store.markGood();
            System.out.println("known-good -> " + store.target(LayerStore.KNOWN_GOOD).orElse("?"));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Point latest back at the known-good layer.")
    static final class Rollback extends Op {
        @Override
        void run(LayerStore store) {
            System.out.println("latest -> " + store.rollback());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Installed layers and which one is latest, known-good, trying.")
    static final class ListLayers extends Op {
        @Override
        void run(LayerStore store) {
            store.recover();
            for (LayerStore.Installed i : store.list()) {
                List<String> flags = new ArrayList<>();
                if (i.latest()) {
                    flags.add("latest");
                }
                if (i.knownGood()) {
                    flags.add("known-good");
                }
                if (i.trying()) {
                    flags.add("trying");
                }
                System.out.printf("%-20s %s%n", i.version(), String.join(", ", flags));
            }
            HealthGate.Verdict v = HealthGate.read(opts.routerDir);
            System.out.println("last health check: " + v.result() + " " + v.checked() + " (" + v.reason() + ")");
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true, description = "Remove layers beyond the newest N, never one a pointer names.")
    static final class Gc extends Op {
        @Option(names = "--keep", defaultValue = "2", description = "Layers to keep (default: ${DEFAULT-VALUE}).")
        int keep;

        @Override
        void run(LayerStore store) {
            List<String> removed = store.gc(keep);
            System.out.println(removed.isEmpty() ? "nothing to remove" : "removed " + String.join(", ", removed));
        }
    }
}
