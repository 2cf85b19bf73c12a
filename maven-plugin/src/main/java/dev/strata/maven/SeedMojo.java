package dev.strata.maven;

import dev.strata.cli.StrataCli;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Seeds a bundle into a CloudStack installation's secondary storage and database, for test
 * installations: runs {@code strata seed} (the CLI's own command, in this JVM) with these
 * parameters as its options. Safe to run again: already seeded is nothing to do. Not bound to a
 * phase; run it as {@code mvn strata:seed -Dstrata.seed.dbHost=...}.
 */
@Mojo(name = "seed", threadSafe = false, requiresProject = false)
public class SeedMojo extends StrataMojo {

    public SeedMojo() {
        super("seed");
    }

    /** Exit statuses of {@code strata seed} (see {@code strata seed --help}). */
    private static final Map<Integer, String> EXIT = Map.ofEntries(Map.entry(2, "bad options"),
            Map.entry(10, "bundle"), Map.entry(11, "checksum"), Map.entry(12, "database unreachable or login refused"),
            Map.entry(13, "schema"), Map.entry(14, "lock busy"), Map.entry(15, "store full"), Map.entry(16, "permission"),
            Map.entry(17, "store"), Map.entry(18, "settings"));

    /** The bundle folder made by {@code strata:build} (also read as {@code outputDirectory}, build's name for it). */
    @Parameter(property = "strata.output", alias = "outputDirectory", defaultValue = "${project.build.directory}/systemvm")
    private File bundleDirectory;

    /** The management server's {@code db.properties} (host, port, user, password, schema name). */
    @Parameter(property = "strata.seed.dbProperties", defaultValue = "/etc/cloudstack/management/db.properties")
    private File dbProperties;

    /** Key file for {@code ENC(...)} passwords in db.properties (default: {@code key} beside it). */
    @Parameter(property = "strata.seed.keyFile")
    private File keyFile;

    /** Database host, instead of db.properties' {@code db.cloud.host}. */
    @Parameter(property = "strata.seed.dbHost")
    private String dbHost;

    /** Database port (1 to 65535), instead of db.properties' {@code db.cloud.port}. */
    @Parameter(property = "strata.seed.dbPort")
    private Integer dbPort;

    /** Database user, instead of db.properties' {@code db.cloud.username}. */
    @Parameter(property = "strata.seed.dbUser")
    private String dbUser;

    /** File whose first line is the database password (never a password in the POM). */
    @Parameter(property = "strata.seed.dbPasswordFile")
    private File dbPasswordFile;

    /** The cloud schema's name, instead of db.properties' {@code db.cloud.name}. */
    @Parameter(property = "strata.seed.dbName")
    private String dbName;

    /** Stores already mounted: {@code STORE=DIR} entries, STORE an image store id or URL. */
    @Parameter(property = "strata.seed.mounted")
    private List<String> mounted;

    /** Only print the plan; change nothing. */
    @Parameter(property = "strata.seed.dryRun", defaultValue = "false")
    private boolean dryRun;

    /** Exit 0 ("deferred") when the schema is older than the seeder writes (the server upgrades it and registers the templates). */
    @Parameter(property = "strata.seed.deferOlderSchema", defaultValue = "false")
    private boolean deferOlderSchema;

    /** Seconds to wait for the management server's database lock (0 to 86400). */
    @Parameter(property = "strata.seed.lockTimeout")
    private Integer lockTimeout;

    @Override
    public void execute() throws MojoFailureException {
        if (dbPort != null && (dbPort < 1 || dbPort > 65535)) {
            throw badParameter("dbPort", "strata.seed.dbPort", "is " + dbPort, "a TCP port, 1 to 65535");
        }
        if (lockTimeout != null && (lockTimeout < 0 || lockTimeout > 86400)) {
            throw badParameter("lockTimeout", "strata.seed.lockTimeout", "is " + lockTimeout, "0 to 86400 seconds");
        }
        if (!bundleDirectory.isDirectory()) {
            throw badParameter("bundleDirectory", "strata.output", "names " + bundleDirectory + ", which does not exist",
                    "a bundle folder made by strata:build");
        }
        List<String> args = new ArrayList<>(List.of("seed", "--bundle", bundleDirectory.getPath(),
                "--db-properties", dbProperties.getPath()));
        option(args, "--key-file", keyFile == null ? null : keyFile.getPath());
        option(args, "--db-host", dbHost);
        option(args, "--db-port", dbPort == null ? null : dbPort.toString());
        option(args, "--db-user", dbUser);
        option(args, "--db-password-file", dbPasswordFile == null ? null : dbPasswordFile.getPath());
        option(args, "--db-name", dbName);
        option(args, "--lock-timeout", lockTimeout == null ? null : lockTimeout.toString());
        if (mounted != null) {
            mounted.forEach(m -> option(args, "--mounted", m));
        }
        if (dryRun) {
            args.add("--dry-run");
        }
        if (deferOlderSchema) {
            args.add("--defer-older-schema");
        }
        int status = StrataCli.run(args.toArray(String[]::new));
        if (status != 0) {
            throw new MojoFailureException(goal() + ": strata seed exited " + status + " ("
                    + EXIT.getOrDefault(status, "error") + "); its message is above");
        }
    }

    private static void option(List<String> args, String name, String value) {
        if (value != null && !value.isBlank()) {
            args.add(name);
            args.add(value);
        }
    }
}
