package dev.strata.cli;

import dev.strata.builder.boot.Accelerator;
import dev.strata.builder.tools.HostTool;
import dev.strata.builder.tools.HostTools;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(usageHelpWidth = 100, name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the host tools each build stage needs, and whether KVM runs guests.", "",
            "Exit status 0 when everything is there, 1 otherwise (with the command that installs it).",
            "'strata build' run as root on a Debian-family host installs what is missing by itself."})
final class DoctorCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        boolean allThere = true;
        for (Map.Entry<String, List<HostTool>> stage : HostTools.BY_STAGE.entrySet()) {
            System.out.println(stage.getKey() + ":");
            for (HostTool tool : stage.getValue()) {
                boolean present = HostTools.isPresent(tool);
                allThere &= present;
                System.out.printf("  %-7s %-45s %-22s %s%n", present ? "ok" : "MISSING", tool.command(),
                        "(" + tool.debianPackage() + ")", tool.purpose());
            }
        }
        System.out.println("root: " + (HostTools.isRoot() ? "yes (mmdebstrap root mode, cached tree)"
                : "no (mmdebstrap unshare mode: needs /etc/subuid, /etc/subgid and newuidmap)"));
        System.out.println("kvm: " + (Accelerator.kvmRunsGuests() ? "runs guests" : "not usable; boot tests use TCG"));
        if (!allThere) {
            List<HostTool> missing = HostTools.missing(HostTools.BY_STAGE.keySet());
            System.out.println();
            System.out.println("Install what is missing with:");
            System.out.println("  " + HostTools.installCommand(missing));
            return 1;
        }
        return 0;
    }
}
