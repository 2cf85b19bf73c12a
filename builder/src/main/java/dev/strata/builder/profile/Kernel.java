package dev.strata.builder.profile;

import java.util.List;
import java.util.Map;

/**
 * The kernel.
 *
 * @param packageName  default kernel package, e.g. {@code linux-image-amd64}
 * @param hypervisors  per-hypervisor kernel package where it differs (Debian's cloud kernel lacks
 *                     the Fusion MPT SCSI and e1000 drivers that VMware's virtual hardware uses)
 * @param modules      module paths (relative to {@code /lib/modules/<kver>/}, prefix match) kept
 *                     by slimming; every other module is removed
 * @param initramfsModules module names loaded by the init, in this order, with their dependencies
 * @param cmdline      extra kernel command line
 */
public record Kernel(String packageName, Map<Hypervisor, String> hypervisors, List<String> modules,
                     List<String> initramfsModules, String cmdline) {

    public Kernel {
        hypervisors = Map.copyOf(hypervisors);
        modules = List.copyOf(modules);
        initramfsModules = List.copyOf(initramfsModules);
    }

    public String packageFor(Hypervisor hypervisor) {
        return hypervisors.getOrDefault(hypervisor, packageName);
    }
}
