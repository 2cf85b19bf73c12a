package dev.strata.builder.format;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a streamOptimized VMDK into a VMware OVA, reproducibly.
 *
 * <p>An OVA is a ustar archive (DSP0243: "the TAR format used shall comply with the USTAR
 * format as defined by POSIX"). The descriptor must be the first member so a reader can find it
 * without scanning the whole archive; the other files follow in References order, and the manifest
 * may come either right after the descriptor or at the end. We write {@code <name>.ovf},
 * {@code <name>-disk1.vmdk}, {@code <name>.mf}: the manifest last, because its vmdk digest is only
 * known after streaming the disk once.
 *
 * <p>Reproducible: every member has mtime = SOURCE_DATE_EPOCH, uid/gid 0 (root/root), mode 0644,
 * and the descriptor and manifest are rendered from text, so equal inputs give equal bytes.
 * Pure ustar only: file names are kept under 100 bytes and members under 8 GiB, and anything
 * else fails instead of falling back to GNU or PAX extensions an OVA reader may not know.
 */
public final class OvaWriter {

    /** VM names we accept: also the OVA member names, so they must be short, portable ASCII. */
    private static final Pattern VM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");
    private static final int COPY_BUFFER = 1 << 20;

    private OvaWriter() {
    }

    /**
     * What to pack.
     *
     * @param vmdk            streamOptimized VMDK (qemu-img convert -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic)
     * @param capacityBytes   the disk's virtual size; must equal the VMDK header's capacity
     * @param vmName          VM name: OVF VirtualSystem id and the base of the member names
     * @param output          the .ova to write (replaced atomically)
     * @param sourceDateEpoch seconds since 1970 used as every member's mtime
     * @param hardware        what the OVF describes
     */
    public record Request(Path vmdk, long capacityBytes, String vmName, Path output, long sourceDateEpoch,
                          OvaHardware hardware) {
        public Request {
            Objects.requireNonNull(vmdk, "vmdk");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(hardware, "hardware");
            if (vmName == null || !VM_NAME.matcher(vmName).matches()) {
                throw new IllegalArgumentException("VM name must be 1-80 characters of [A-Za-z0-9._-]: " + vmName);
            }
            if (sourceDateEpoch < 0 || sourceDateEpoch > 077777777777L) {
                // ustar's mtime field holds 11 octal digits.
                throw new IllegalArgumentException("SOURCE_DATE_EPOCH out of ustar range: " + sourceDateEpoch);
            }
        }
    }

    /**
     * What was written.
     *
     * @param ova         the archive
     * @param members     member names in archive order
     * @param ovfSha256   digest of the descriptor
     * @param vmdkSha256  digest of the disk member
     * @param vmdkSize    size of the disk member
     */
    public record Result(Path ova, List<String> members, String ovfSha256, String vmdkSha256, long vmdkSize) {
    }

    /** Writes an OVA with CloudStack's systemvm hardware (1 vCPU, 256 MiB, lsilogic, BIOS). */
    public static Result write(Path vmdk, long capacityBytes, String vmName, Path output, long sourceDateEpoch)
            throws IOException {
        return write(new Request(vmdk, capacityBytes, vmName, output, sourceDateEpoch,
                OvaHardware.cloudStackSystemVm()));
    }

    public static Result write(Request req) throws IOException {
        checkDisk(req);
        String ovfName = req.vmName() + ".ovf";
        String vmdkName = req.vmName() + "-disk1.vmdk";
        String mfName = req.vmName() + ".mf";
        long vmdkSize = Files.size(req.vmdk());

        byte[] ovf = OvfDescriptor.bytes(OvfDescriptor.render(new OvfDescriptor.Input(
                req.vmName(), vmdkName, vmdkSize, req.capacityBytes(), req.hardware())));
        String ovfSha = MultiDigest.sha256(ovf);

        Path dir = req.output().toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + req.output().getFileName(), ".tmp");
        String vmdkSha;
        try {
            try (OutputStream fout = new BufferedOutputStream(Files.newOutputStream(tmp), COPY_BUFFER);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(fout, StandardCharsets.US_ASCII.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
                tar.setAddPaxHeadersForNonAsciiNames(false);

                putBytes(tar, ovfName, ovf, req.sourceDateEpoch());

                tar.putArchiveEntry(entry(vmdkName, vmdkSize, req.sourceDateEpoch()));
                MultiDigest md = new MultiDigest(List.of("SHA-256"));
                try (InputStream in = Files.newInputStream(req.vmdk())) {
                    byte[] buf = new byte[COPY_BUFFER];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                        tar.write(buf, 0, n);
                    }
                }
                if (md.bytes() != vmdkSize) {
                    throw new IOException(req.vmdk() + " changed size while being packed");
                }
                tar.closeArchiveEntry();
                vmdkSha = md.hex("SHA-256");

                Map<String, String> digests = new LinkedHashMap<>();
                digests.put(ovfName, ovfSha);
                digests.put(vmdkName, vmdkSha);
                putBytes(tar, mfName, OvaManifest.renderSha256(digests).getBytes(StandardCharsets.US_ASCII),
                        req.sourceDateEpoch());
                tar.finish();
            }
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, req.output(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Result(req.output(), List.of(ovfName, vmdkName, mfName), ovfSha, vmdkSha, vmdkSize);
    }

    /**
     * ESXi only imports streamOptimized disks from an OVA, and the OVF capacity and controller must
     * match the disk, so check the VMDK header before packing rather than after an import fails.
     */
    private static void checkDisk(Request req) throws IOException {
        VmdkHeader h = VmdkHeader.read(req.vmdk());
        if (!h.magicOk()) {
            throw new IllegalArgumentException(req.vmdk() + " is not a sparse VMDK (no KDMV magic)");
        }
        if (!h.isStreamOptimized()) {
            throw new IllegalArgumentException(req.vmdk() + " is not streamOptimized (createType="
                    + h.createType() + ", flags=0x" + Integer.toHexString(h.flags())
                    + ", compression=" + h.compressAlgorithm() + ")");
        }
        if (h.capacityBytes() != req.capacityBytes()) {
            throw new IllegalArgumentException("capacity " + req.capacityBytes() + " differs from the VMDK's "
                    + h.capacityBytes());
        }
        if (h.adapterType() != null && !h.adapterType().equals(req.hardware().scsiSubType())) {
            throw new IllegalArgumentException("VMDK adapter type " + h.adapterType()
                    + " differs from the OVF controller " + req.hardware().scsiSubType());
        }
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] data, long epoch) throws IOException {
        tar.putArchiveEntry(entry(name, data.length, epoch));
        tar.write(data, 0, data.length);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size, long epoch) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        e.setMode(0644);
        e.setIds(0, 0);
        // The constructor takes user.name from the JVM; fix both names so the bytes do not depend on who built.
        e.setNames("root", "root");
        e.setModTime(FileTime.from(epoch, TimeUnit.SECONDS));
        return e;
    }
}
