package dev.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code strata} command. */
@Command(name = "strata",
        mixinStandardHelpOptions = true,
        versionProvider = StrataCli.Version.class,
        usageHelpWidth = 100,
        description = {
            "Builds, ships and checks Apache CloudStack system VM templates.",
            "",
            "A profile (YAML) says what goes in; 'strata build' turns it into a bundle of templates,",
            "one per hypervisor, named as CloudStack names them, with metadata.ini and checksums."},
        subcommands = {BuildCommand.class, BootTestCommand.class, DoctorCommand.class, ProfileCommand.class,
            LayerCommand.class,
            SeedCommand.class,
            VrCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
            "  strata doctor                         check the host tools each stage needs",
            "  strata build                          build the default profile (debian) into ./dist",
            "  strata build --hypervisor kvm --json  only the KVM template, machine-readable summary",
            "  strata boot-test dist/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2",
            "", "Documentation: docs/ in the Strata repository."})
public final class StrataCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new StrataCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("strata: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    /** Version from the jar manifest (set by Maven), or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StrataCli.class.getPackage().getImplementationVersion();
            return new String[] {"strata " + (v == null ? "dev" : v)};
        }
    }
}
