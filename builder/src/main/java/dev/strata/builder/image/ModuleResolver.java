package dev.strata.builder.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders kernel modules for loading from {@code modules.dep}: each module after everything it
 * depends on. Done here rather than by modprobe in the initramfs so that the init is a plain
 * list of insmod calls and the initramfs holds exactly these files.
 */
public final class ModuleResolver {

    private final Map<String, String> pathByName = new HashMap<>();
    private final Map<String, List<String>> depsByPath = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    public ModuleResolver(Path modulesDir) {
        try {
            for (String line : Files.readAllLines(modulesDir.resolve("modules.dep"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String path = line.substring(0, colon).strip();
                String rest = line.substring(colon + 1).strip();
                depsByPath.put(path, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
                pathByName.put(nameOf(path), path);
            }
            Path builtinFile = modulesDir.resolve("modules.builtin");
            if (Files.exists(builtinFile)) {
                for (String line : Files.readAllLines(builtinFile)) {
                    builtin.add(nameOf(line.strip()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the module index in " + modulesDir, e);
        }
    }

    /** The names that are neither a module here nor built into this kernel. */
    public List<String> missing(List<String> names) {
        return names.stream().filter(n -> !pathByName.containsKey(normalise(n)) && !builtin.contains(normalise(n)))
                .toList();
    }

    /** Module file paths (relative to the modules folder) in load order; built-in ones are skipped. */
    public List<String> loadOrder(List<String> names) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            String key = normalise(name);
            String path = pathByName.get(key);
            if (path == null) {
                if (!builtin.contains(key)) {
                    unknown.add(name);
                }
                continue;
            }
            visit(path, ordered, new HashSet<>());
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("kernel modules not found (neither a module kept by slimming nor "
                    + "built in): " + String.join(", ", unknown) + "; add them to kernel.modules or remove them "
                    + "from kernel.initramfs-modules");
        }
        return List.copyOf(ordered);
    }

    private void visit(String path, LinkedHashSet<String> ordered, Set<String> inProgress) {
        if (ordered.contains(path) || !inProgress.add(path)) {
            return;
        }
        for (String dep : depsByPath.getOrDefault(path, List.of())) {
            visit(dep, ordered, inProgress);
        }
        ordered.add(path);
    }

    static String nameOf(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return normalise(ko >= 0 ? file.substring(0, ko) : file);
    }

    static String normalise(String name) {
        return name.replace('-', '_');
    }
}
