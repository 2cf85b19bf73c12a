package dev.strata.builder.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the installed packages of a root tree from {@code var/lib/dpkg/status}. */
public final class DpkgStatus {

    /**
     * One installed package: the bill of materials entry.
     *
     * @param licenses what its copyright file declares ({@link DebianCopyright}); empty when not read
     */
    public record InstalledPackage(String name, String version, String architecture, String depends,
                                   List<String> licenses) {
        public InstalledPackage {
            licenses = licenses == null ? List.of() : List.copyOf(licenses);
        }

        public InstalledPackage(String name, String version, String architecture, String depends) {
            this(name, version, architecture, depends, List.of());
        }
    }

    /** The same packages with the licences their copyright files in {@code root} declare. */
    public static List<InstalledPackage> withLicenses(List<InstalledPackage> packages, Path root) {
        return packages.stream().map(p -> new InstalledPackage(p.name(), p.version(), p.architecture(), p.depends(),
                DebianCopyright.licenses(root, p.name()))).toList();
    }

    private DpkgStatus() {
    }

    public static List<InstalledPackage> read(Path root) {
        Path status = root.resolve("var/lib/dpkg/status");
        String text;
        try {
            text = Files.readString(status);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
        List<InstalledPackage> out = new ArrayList<>();
        for (String stanza : text.split("\n\n")) {
            Map<String, String> f = new LinkedHashMap<>();
            for (String line : stanza.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith(" ")) {
                    f.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            if (f.containsKey("Package") && f.getOrDefault("Status", "").endsWith(" installed")) {
                out.add(new InstalledPackage(f.get("Package"), f.get("Version"), f.get("Architecture"),
                        f.getOrDefault("Depends", "")));
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /**
     * The kernel release a kernel package installs: a versioned package names it
     * ({@code linux-image-6.1.0-56-amd64}); a meta package depends on the versioned one.
     */
    public static String kernelRelease(List<InstalledPackage> packages, String kernelPackage) {
        for (InstalledPackage p : packages) {
            if (!p.name().equals(kernelPackage)) {
                continue;
            }
            if (p.name().matches("linux-image-\\d.*")) {
                return p.name().substring("linux-image-".length());
            }
            for (String dep : p.depends().split(",")) {
                String name = dep.strip().split("[\\s(]")[0];
                if (name.matches("linux-image-\\d.*")) {
                    return name.substring("linux-image-".length());
                }
            }
        }
        throw new IllegalStateException("kernel package " + kernelPackage + " is not installed in the root filesystem");
    }
}
