package dev.strata.seeder.bundle;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One template of a bundle: a metadata.ini section and where its file is (if bundled).
 *
 * @param hypervisor   which hypervisor it serves
 * @param arch         {@code x86_64} or {@code aarch64}, as {@code cluster.arch} and {@code vm_template.arch} spell it
 * @param name         {@code templatename}: {@code vm_template.name} and the {@code router.template.*} value
 * @param file         the bundled file (may not exist: a bundle may carry only some hypervisors)
 * @param sha512       {@code checksum}, lower-case hex
 * @param downloadUrl  {@code downloadurl}: stored as {@code vm_template.url}, fetched by the SSVM for S3/Swift stores
 * @param guestOs      {@code guestos}: display name looked up in {@code guest_os}
 */
public record BundledTemplate(SystemVmHypervisor hypervisor, String arch, String name, Path file, String sha512,
                              String downloadUrl, String guestOs) {

    public BundledTemplate {
        Objects.requireNonNull(hypervisor, "hypervisor");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha512, "sha512");
        Objects.requireNonNull(downloadUrl, "downloadUrl");
        Objects.requireNonNull(guestOs, "guestOs");
    }

    /** {@code "{SHA-512}<hex>"}: how the server stores checksums (DigestHelper.prependAlgorithm). */
    public String databaseChecksum() {
        // Bare hex, as the 4.22 server stores it (DigestHelper tells SHA-512 by its 128 digits):
        // the same string as metadata.ini, so the server's own comparisons with the bundle agree.
        return sha512;
    }

    /** How the file is packed on the management server: decides the unpacking on the store. */
    public Packing packing() {
        String n = file.getFileName().toString();
        if (n.endsWith(".bz2")) {
            return Packing.BZIP2;
        }
        if (n.endsWith(".zip")) {
            return Packing.ZIP;
        }
        return Packing.PLAIN;
    }

    public String label() {
        return hypervisor.databaseName() + "/" + arch;
    }

    /** Compression of a bundled file (CloudStack's createtmplt.sh uncompresses bzip2, gzip and zip). */
    public enum Packing { PLAIN, BZIP2, ZIP }
}
