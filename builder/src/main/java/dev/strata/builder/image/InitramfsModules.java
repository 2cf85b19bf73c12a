package dev.strata.builder.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which of the profile's initramfs modules go into each kernel's initramfs. A profile with a
 * kernel per hypervisor lists the drivers of every hypervisor, and a kernel made for one of them
 * lacks the others' (Debian's cloud kernel has no Fusion-MPT): those are left out of that
 * kernel's initramfs, and said so. A module that no kernel of the build has is a mistake in
 * the profile and stops the build.
 */
public final class InitramfsModules {

    private InitramfsModules() {
    }

    public static Map<String, List<String>> perKernel(Path root, Collection<String> releases, List<String> names,
                                                      Consumer<String> say) {
        Map<String, List<String>> missingByKernel = new LinkedHashMap<>();
        for (String release : releases) {
            missingByKernel.put(release,
                    new ModuleResolver(InitramfsBuilder.modulesDir(root, release)).missing(names));
        }
        List<String> missingEverywhere = new ArrayList<>(names);
        missingByKernel.values().forEach(missingEverywhere::retainAll);
        if (!missingEverywhere.isEmpty()) {
            throw new IllegalArgumentException("kernel modules not found in any kernel of this build (neither a module "
                    + "kept by slimming nor built in): " + String.join(", ", missingEverywhere)
                    + "; add them to kernel.modules or remove them from kernel.initramfs-modules");
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        missingByKernel.forEach((release, missing) -> {
            if (!missing.isEmpty()) {
                say.accept("kernel " + release + " has no " + String.join(", ", missing) + ": left out of its initramfs");
            }
            result.put(release, names.stream().filter(n -> !missing.contains(n)).toList());
        });
        return result;
    }
}
