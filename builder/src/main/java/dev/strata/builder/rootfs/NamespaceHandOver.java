package dev.strata.builder.rootfs;

import dev.strata.builder.profile.Hypervisor;
import java.util.List;
import java.util.Map;

/**
 * What an unprivileged build hands into mmdebstrap's user namespace and gets back out: the
 * contract between {@link UnprivilegedRootfs} (outside) and {@link InNamespace} (inside).
 * Files travel through mmdebstrap's sync-in/sync-out, because inside the namespace "root" is
 * a subordinate uid that may not read or write the user's own folders.
 */
public final class NamespaceHandOver {

    /** Folder in the tree with what goes in: spec.json, lib/ (Strata's jars), files/ (profile files). */
    public static final String IN = ".strata-in";
    /** Folder in the tree with what comes out: root image, kernels, initramfs, result.json. */
    public static final String OUT = ".strata-out";
    /** Profile file sources are rewritten to this prefix plus an index; inside they resolve under IN/files. */
    public static final String FILES_PREFIX = "/strata-in-files/";

    /** What the namespace side is asked to do. */
    public record Spec(String profileJson, long epoch, String seed) {
    }

    /** What it did: kernel release per hypervisor, bytes slimmed per category, installed packages. */
    public record Result(Map<Hypervisor, String> kernels, Map<String, Long> slimmed,
                         List<DpkgStatus.InstalledPackage> packages) {
    }

    private NamespaceHandOver() {
    }
}
