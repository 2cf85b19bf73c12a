package dev.strata.cli;

import dev.strata.seeder.SeedException;
import dev.strata.seeder.SeedHooks;
import dev.strata.seeder.SeedOptions;
import dev.strata.seeder.SeedResult;
import dev.strata.seeder.Seeder;
import dev.strata.seeder.config.DbPropertiesReader;
import dev.strata.seeder.config.DbSettings;
import dev.strata.seeder.plan.SeedPlan;
import dev.strata.seeder.store.CopyProgress;
import dev.strata.seeder.store.SystemMounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strata seed}: bundled templates into secondary storage and the CloudStack database. */
@Command(name = "seed", usageHelpWidth = 100, mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Put the bundled system VM templates into secondary storage and the CloudStack database, so",
            "every zone is ready with nothing to download (what the management server does at start).",
            "",
            "For every zone with an image store, every NFS store in it and every hypervisor/arch its",
            "clusters use, the template is copied to template/tmpl/1/<id>/ (unpacked, OVA extracted",
            "for VMware), template.properties written, and vm_template, template_zone_ref,",
            "template_store_ref rows written; router.template.<hv> and minreq.sysvmtemplate.version",
            "move to it. Hypervisors not in use get url/checksum/guest OS refreshed only. S3/Swift",
            "zones get the rows the SSVM needs to download the template from its URL.",
            "",
            "Safe to run at any time and again: it takes the management server's database lock",
            "(UpgradeDatabase-Lock), checks every sha512 before writing, copies to a temporary name,",
            "fsyncs, renames and re-reads; rows go in one transaction after the files. A run that is",
            "killed leaves nothing or a complete template; the next run finishes or cleans up.",
            "Already seeded = nothing to do (exit 0, fast).",
            ""},
        footer = {"", "Exit status: 0 seeded / nothing to do / deferred, 2 bad options, 10 bundle, 11 checksum,",
            "12 database unreachable, 13 schema, 14 lock busy, 15 store full, 16 permission, 17 store,",
            "18 settings.",
            "", "Examples:",
            "  strata seed --dry-run                       show what would be copied and written",
            "  strata seed                                 seed from the management package's bundle",
            "  strata seed --mounted 1=/mnt/secondary      store 1 is already mounted there",
            "  strata seed --bundle dist --db-host db1 --db-user cloud --db-password-file pw --json",
            "",
            "Management package (postinst, after cloudstack-setup-databases and on upgrade):",
            "  strata seed --quiet --defer-older-schema",
            "exits 0 when there is nothing to do and when the schema still has to be upgraded by the",
            "management server (which then registers the templates itself from the same bundle)."})
final class SeedCommand implements Callable<Integer> {

    @Option(names = "--bundle", paramLabel = "DIR",
            defaultValue = "/usr/share/cloudstack-management/templates/systemvm",
            description = "Folder with metadata.ini and the templates (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--db-properties", paramLabel = "FILE", defaultValue = "/etc/cloudstack/management/db.properties",
            description = "CloudStack's database settings; ENC(...) passwords are decrypted with the "
                    + "management server key (default: ${DEFAULT-VALUE}).")
    Path dbProperties;

    @Option(names = "--server-properties", paramLabel = "FILE",
            defaultValue = "/etc/cloudstack/management/server.properties",
            description = "The management server's settings: when system.vm.templates.download.repository is set, "
                    + "it replaces metadata.ini's downloadrepository in every template URL, as the server does "
                    + "(default: ${DEFAULT-VALUE}; absent: the bundle's URLs).")
    Path serverProperties;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Management server key for ENC(...) values (default: 'key' beside db.properties, "
                    + "or CLOUD_SECRET_KEY when db.cloud.encryption.type=env).")
    Path keyFile;

    @Option(names = "--db-host", paramLabel = "HOST", description = "Override db.cloud.host.")
    String dbHost;

    @Option(names = "--db-port", paramLabel = "PORT", description = "Override db.cloud.port.")
    Integer dbPort;

    @Option(names = "--db-user", paramLabel = "USER", description = "Override db.cloud.username.")
    String dbUser;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "Read the database password from this file's first line (never from the command line).")
    Path dbPasswordFile;

    @Option(names = "--db-name", paramLabel = "NAME", description = "Override db.cloud.name (the cloud schema).")
    String dbName;

    @Option(names = "--mounted", paramLabel = "STORE=DIR",
            description = "An image store (its id or its URL) that is already mounted at DIR; repeatable. "
                    + "Other NFS stores are mounted for the run (mount -t nfs, vers from the store) and unmounted.")
    Map<String, Path> mounted = new LinkedHashMap<>();

    @Option(names = "--mount-dir", paramLabel = "DIR", defaultValue = "/var/lib/strata/seed-mounts",
            description = "Where temporary mount points go (default: ${DEFAULT-VALUE}).")
    Path mountDir;

    @Option(names = "--dry-run", description = "Print the plan; change nothing (no lock, no writes).")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "1200",
            description = "How long to wait for UpgradeDatabase-Lock (default: ${DEFAULT-VALUE}, as the server).")
    int lockTimeout;

    @Option(names = "--defer-older-schema",
            description = "A schema older than 4.20 (fresh from cloudstack-setup-databases, or before the "
                    + "server's upgrade) is not an error: exit 0, the server registers the templates itself.")
    boolean deferOlderSchema;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines; only the result (and errors).")
    boolean quiet;

    @Override
    public Integer call() {
        try {
            SeedOptions options = new SeedOptions(bundle, dbSettings(), mounted, mountDir, dryRun, lockTimeout,
                    deferOlderSchema, serverProperties);
            CopyProgress progress = quiet ? CopyProgress.NONE : new ProgressPrinter();
            SeedResult result = new Seeder(options, new SystemMounter(), SeedHooks.NONE, progress,
                    line -> {
                        if (!quiet) {
                            System.err.println("strata seed: " + line);
                        }
                    }).run();
            if (json) {
                System.out.println(Json.write(result));
            } else {
                print(result);
            }
            return 0;
        } catch (SeedException e) {
            System.err.println("strata seed: " + e.getMessage());
            if (json) {
                // Scripts reading stdout get the failure in the same shape as a result.
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("status", "error");
                error.put("kind", e.kind().name());
                error.put("exitCode", e.kind().exitCode());
                error.put("message", e.getMessage());
                System.out.println(Json.write(error));
            }
            return e.kind().exitCode();
        }
    }

    private DbSettings dbSettings() {
        boolean allGiven = dbHost != null && dbUser != null;
        DbSettings base = !allGiven || Files.exists(dbProperties)
                ? DbPropertiesReader.read(dbProperties, keyFile, System.getenv())
                : null;
        String password = dbPasswordFile != null ? readPassword(dbPasswordFile) : base == null ? "" : base.password();
        if (base != null) {
            return base.with(dbHost, dbPort, dbUser, password, dbName); // keeps db.cloud.uri's parameters
        }
        return new DbSettings(dbHost, dbPort != null ? dbPort : 3306, dbUser, password, dbName != null ? dbName : "cloud");
    }

    private static String readPassword(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "cannot read --db-password-file " + file + ": " + e.getMessage());
        }
    }

    private static void print(SeedResult r) {
        SeedPlan p = r.plan();
        if (p != null) {
            List<String> lines = new ArrayList<>();
            p.copies().forEach(c -> lines.add("copy      " + c.template().name() + " -> " + c.store().label()
                    + (c.templateId() == null ? " (new template)" : " (template " + c.templateId() + ")")));
            p.objectStores().forEach(o -> lines.add("register  " + o.template().name() + " for " + o.store().label()
                    + " (the SSVM downloads " + o.template().downloadUrl() + ")"));
            p.settings().forEach(s -> lines.add("set       " + s.name() + " = " + s.to() + " (was " + s.from() + ")"));
            p.refreshes().forEach(m -> lines.add("refresh   template " + m.templateId() + " url/checksum/guest OS -> "
                    + m.template().name()));
            p.upToDate().forEach(u -> lines.add("ok        " + u));
            p.notes().forEach(n -> lines.add("note      " + n));
            lines.forEach(System.out::println);
        }
        r.recovered().forEach(l -> System.out.println("recovered " + l));
        for (SeedResult.SeededTemplate s : r.seeded()) {
            System.out.printf("seeded    %s as template %d on store %d: %s (%s, %.1f s)%n", s.name(), s.templateId(),
                    s.storeId(), s.installPath(), ProgressPrinter.bytes(s.physicalSize()), s.copySeconds());
        }
        System.out.printf("%s: %s (%.2f s)%n", r.status(), r.message(), r.seconds());
    }

    /** One line per second on stderr for copies of more than 16 MiB: bytes, percent, speed. */
    static final class ProgressPrinter implements CopyProgress {
        private static final long LARGE = 16L << 20;

        @Override
        public void update(String label, long done, long total, double bytesPerSecond, boolean finished) {
            if (total < LARGE) {
                return;
            }
            System.err.printf("strata seed: %s: %s / %s (%d%%) at %s/s%s%n", label, bytes(done), bytes(total),
                    total == 0 ? 100 : done * 100 / total, bytes((long) bytesPerSecond), finished ? ", done" : "");
        }

        static String bytes(long n) {
            if (n < 1024) {
                return n + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double v = n;
            int u = -1;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            return String.format("%.1f %s", v, units[u]);
        }
    }
}
