package dev.strata.builder.profile;

import java.util.List;
import java.util.Map;

/**
 * The system VM extension (issue 14): what only some system VM types need (the secondary
 * storage VM and the console proxy VM: a Java 17 runtime for CloudStack's agent, apache2, the
 * NFS and CIFS clients, qemu-img...), shipped as one signed systemd-sysext image that is merged
 * over {@code /usr} and {@code /opt} only when the boot configuration asks for such a type. The
 * router never merges it (docs/systemvm.md).
 *
 * @param name     extension name: the image is {@code <name>-<version>.raw}, merged as {@code <name>}
 * @param version  extension version (defaults to the profile's)
 * @param packages Debian packages it adds over the profile's own (their files that the root lacks)
 * @param files    files placed in it; targets are absolute and under {@code /usr/} or {@code /opt/}
 * @param links    symbolic links placed in it: path (under {@code /usr/} or {@code /opt/}) to target
 */
public record Extension(String name, String version, List<String> packages, List<FileEntry> files,
                        Map<String, String> links) {

    /** No extension: the profile builds only the root image and the router layer. */
    public static final Extension NONE = new Extension("", "", List.of(), List.of(), Map.of());

    public Extension {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        links = Map.copyOf(links);
    }

    public boolean present() {
        return !packages.isEmpty() || !files.isEmpty();
    }

    public String fileName() {
        return name + "-" + version + ".raw";
    }
}
