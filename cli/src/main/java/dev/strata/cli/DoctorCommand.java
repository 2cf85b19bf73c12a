package dev.strata.cli;

import dev.strata.builder.boot.Accelerator;
import dev.strata.builder.tools.HostTool;
import dev.strata.builder.tools.HostTools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(usageHelpWidth = 100, name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the host tools each build stage and each test area needs, and whether KVM runs guests.", "",
            "Exit status 0 when the build's tools are there, 1 otherwise (with the command that installs them).",
            "'strata build' and './mvnw package' run as root on a Debian-family host install what is missing by",
            "themselves; './mvnw verify' installs the test groups too."})
final class DoctorCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<String> build = new ArrayList<>(HostTools.BUILD_GROUPS);
        if (!HostTools.isRoot()) {
            build.add("rootfs-unprivileged");
        }
        System.out.println("== build (strata build, ./mvnw package)");
        print(build);
        List<String> tests = HostTools.testGroups().stream().filter(g -> !build.contains(g)).toList();
        System.out.println("== tests (./mvnw verify)");
        print(tests);
        System.out.println("root: " + (HostTools.isRoot() ? "yes (mmdebstrap root mode, cached tree)"
                : "no (mmdebstrap unshare mode: needs /etc/subuid, /etc/subgid and newuidmap)"));
        System.out.println("kvm: " + (Accelerator.kvmRunsGuests() ? "runs guests" : "not usable; boot tests use TCG"));
        List<HostTool> missingBuild = HostTools.missing(build);
        List<HostTool> missingTests = HostTools.missing(tests);
        if (!missingBuild.isEmpty()) {
            System.out.println();
            System.out.println("Install what the build needs with:");
            System.out.println("  " + HostTools.installCommand(missingBuild));
        }
        if (!missingTests.isEmpty()) {
            System.out.println();
            System.out.println("Install what the tests need with:");
            System.out.println("  " + HostTools.installCommand(missingTests));
        }
        return missingBuild.isEmpty() ? 0 : 1;
    }

    private static void print(List<String> groups) {
        for (String group : groups) {
            System.out.println(group + ":");
            for (HostTool tool : HostTools.BY_STAGE.get(group)) {
                System.out.printf("  %-7s %-45s %-22s %s%n", HostTools.isPresent(tool) ? "ok" : "MISSING", tool.command(),
                        "(" + tool.debianPackage() + ")", tool.purpose());
            }
        }
    }
}
