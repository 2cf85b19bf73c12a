package dev.strata.builder.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A VHD file's metadata: the footer at the end, the footer copy at offset 0 and the dynamic
 * header (both only for dynamic and differencing disks), plus the checks XenServer / XCP-ng apply.
 *
 * @param path              the file
 * @param fileSize          its length
 * @param footer            the primary footer (last 512 bytes)
 * @param footerCopy        the copy at offset 0, or null for a fixed disk
 * @param footerCopyMatches the copy is byte-identical to the primary footer
 * @param dynamicHeader     the header at the footer's data offset, or null (fixed disk or offset out of the file)
 */
public record VhdImage(Path path, long fileSize, VhdFooter footer, VhdFooter footerCopy, boolean footerCopyMatches,
                       VhdDynamicHeader dynamicHeader) {

    /** blktap (VHD_BLOCK_SHIFT 21) and XenServer's storage manager (VHD_BLOCK_SIZE) both assume 2 MiB blocks. */
    public static final long XEN_BLOCK_SIZE = 2L * 1024 * 1024;
    /** XenServer's largest VHD: sm vhdutil.MAX_VHD_SIZE and xapi's max_vhd_size, 2040 GiB. */
    public static final long XEN_MAX_SIZE = 2040L * 1024 * 1024 * 1024;
    /** vhd-util check allows the footer timestamp at most this far in the future (NFS clock skew). */
    static final long TIMESTAMP_SLACK_SECONDS = 1800;

    public static VhdImage read(Path vhd) throws IOException {
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < VhdFooter.SIZE) {
                throw new IOException(vhd + " is " + size + " bytes, smaller than a VHD footer");
            }
            byte[] primary = VhdFooter.readAt(ch, size - VhdFooter.SIZE, VhdFooter.SIZE);
            VhdFooter footer = VhdFooter.parse(primary);
            VhdFooter copy = null;
            boolean copyMatches = false;
            VhdDynamicHeader header = null;
            if (footer.diskType() == VhdFooter.TYPE_DYNAMIC || footer.diskType() == VhdFooter.TYPE_DIFFERENCING) {
                if (size >= 2L * VhdFooter.SIZE) {
                    byte[] first = VhdFooter.readAt(ch, 0, VhdFooter.SIZE);
                    copy = VhdFooter.parse(first);
                    copyMatches = Arrays.equals(primary, first);
                }
                long at = footer.dataOffset();
                if (at >= VhdFooter.SIZE && at <= size - VhdFooter.SIZE - VhdDynamicHeader.SIZE) {
                    header = VhdDynamicHeader.parse(VhdFooter.readAt(ch, at, VhdDynamicHeader.SIZE));
                }
            }
            return new VhdImage(vhd, size, footer, copy, copyMatches, header);
        }
    }

    /** {@link #problemsForXenServer(Instant)} at the current time. */
    public List<String> problemsForXenServer() {
        return problemsForXenServer(Instant.now());
    }

    /**
     * Why XenServer / XCP-ng would refuse this VHD as a CloudStack template, one sentence each;
     * empty when none. The rules are blktap's {@code vhd-util check} (vhd/lib/vhd-util-check.c;
     * CloudStack's scripts/storage/secondary/createvolume.sh runs it on .vhd files and rolls back
     * on failure, createtmplt.sh runs {@code vhd-util read -p} and clears the hidden flag), the
     * 2 MiB block size blktap and XenServer's storage manager hard-code, and the template shape
     * upstream ships (tools/appliance/build.sh: {@code vhd-util convert ... -t 2}, a dynamic VHD).
     *
     * @param now the clock to judge the footer time stamp by
     */
    public List<String> problemsForXenServer(Instant now) {
        List<String> p = new ArrayList<>();
        VhdFooter f = footer;
        if (!VhdFooter.COOKIE.equals(f.cookie())) {
            // Without the cookie nothing else in the footer can be trusted; vhd-util stops here too.
            p.add("footer cookie is '" + printable(f.cookie()) + "', not 'conectix': not a VHD or the footer is missing");
            return p;
        }
        if (!f.checksumValid()) {
            // libvhd refuses to open a VHD whose footer checksum is wrong (vhd_validate_footer).
            p.add("footer checksum 0x" + Integer.toHexString(f.checksum()) + " does not match its contents (expected 0x"
                    + Integer.toHexString(f.computedChecksum()) + ")");
        }
        if ((f.features() & VhdFooter.FEATURE_RESERVED) == 0) {
            // The specification requires the reserved feature bit; vhd-util check: "invalid 'reserved' feature".
            p.add("features 0x" + Integer.toHexString(f.features()) + " lack the reserved bit 0x2");
        }
        if ((f.features() & ~(VhdFooter.FEATURE_RESERVED | VhdFooter.FEATURE_TEMPORARY)) != 0) {
            // vhd-util check: "invalid extra features".
            p.add("features 0x" + Integer.toHexString(f.features()) + " set unknown bits");
        }
        if (f.fileFormatVersion() != VhdFooter.FORMAT_VERSION) {
            // vhd-util check: "invalid file format version"; only 1.0 exists.
            p.add("file format version 0x" + Integer.toHexString(f.fileFormatVersion()) + " is not 0x00010000");
        }
        if (f.diskType() != VhdFooter.TYPE_DYNAMIC) {
            // XenServer file SRs hold VDIs as dynamic VHDs (the storage manager only knows dynamic and
            // differencing); upstream converts its template to dynamic (vhd-util convert -t 2). A
            // differencing disk would need its parent, which a template does not ship.
            p.add("disk type is " + f.diskTypeName() + " (" + f.diskType() + "), XenServer templates must be dynamic (3)");
        }
        if (f.timestamp().isAfter(now.plusSeconds(TIMESTAMP_SLACK_SECONDS))) {
            // vhd-util check: "creation time in future" beyond 30 minutes of slack.
            p.add("footer time stamp " + f.timestamp() + " is in the future");
        }
        VhdFooter.DiskGeometry chs = VhdFooter.geometryFor(f.currentSize());
        if (f.geometry().encoded() > chs.encoded()) {
            // vhd-util check compares the stored geometry with vhd_chs(current size): "geometry too large".
            // qemu-img's force_size=on writes the maximum geometry 65535/16/255 on purpose, which trips this.
            p.add("geometry " + f.geometry() + " is larger than " + chs + " derived from the current size"
                    + " (vhd-util check: geometry too large)");
        }
        if (f.savedState() != 0) {
            // A disk in a saved state belongs to a suspended VM; vhd-util accepts only 0 or 1, and a template must not be 1.
            p.add("saved-state flag is " + f.savedState() + "; a template must not be a suspended VM's disk");
        }
        if (f.hidden() != 0) {
            // blktap's hidden byte (offset 85): the storage manager hides such VDIs as internal snapshot
            // parents, and CloudStack's createtmplt.sh clears it with vhd-util set -f hidden -v 0.
            p.add("blktap hidden flag (byte 85) is " + f.hidden() + ", must be 0");
        }
        if (!f.reservedZero()) {
            // vhd-util check: "invalid 'reserved' bits".
            p.add("footer reserved bytes 86..511 are not zero");
        }
        if (fileSize % 512 != 0) {
            // Data blocks and the footer are sector-aligned; vhd-util check only tolerates a 511-byte footer.
            p.add("file size " + fileSize + " is not a multiple of 512");
        }
        if (f.currentSize() <= 0 || f.currentSize() % XEN_BLOCK_SIZE != 0) {
            // blktap counts blocks as current_size >> 21 and the storage manager rounds VDI sizes up to
            // 2 MiB (validate_and_round_vhd_size): a partial last block is neither checked nor reported.
            p.add("current size " + f.currentSize() + " is not a positive multiple of 2 MiB");
        }
        if (f.currentSize() > XEN_MAX_SIZE) {
            p.add("current size " + f.currentSize() + " exceeds XenServer's maximum VHD size of 2040 GiB");
        }
        if (f.diskType() == VhdFooter.TYPE_DYNAMIC || f.diskType() == VhdFooter.TYPE_DIFFERENCING) {
            checkDynamicParts(p);
        }
        return p;
    }

    private void checkDynamicParts(List<String> p) {
        if (footerCopy == null) {
            p.add("no footer copy at offset 0: file too small");
        } else if (!footerCopyMatches) {
            // vhd-util check: "primary and backup footers do not match".
            p.add("footer copy at offset 0 differs from the footer at the end");
        }
        VhdDynamicHeader h = dynamicHeader;
        if (h == null) {
            p.add("data offset " + footer.dataOffset() + " does not point at a dynamic header inside the file");
            return;
        }
        if (!VhdDynamicHeader.COOKIE.equals(h.cookie())) {
            p.add("dynamic header cookie is '" + printable(h.cookie()) + "', not 'cxsparse'");
            return;
        }
        if (!h.checksumValid()) {
            // libvhd vhd_validate_header refuses a wrong header checksum.
            p.add("dynamic header checksum 0x" + Integer.toHexString(h.checksum())
                    + " does not match its contents (expected 0x" + Integer.toHexString(h.computedChecksum()) + ")");
        }
        if (h.headerVersion() != VhdDynamicHeader.HEADER_VERSION) {
            p.add("dynamic header version 0x" + Integer.toHexString(h.headerVersion()) + " is not 0x00010000");
        }
        if (h.dataOffset() != -1L) {
            // The header's own data offset is unused and must be all ones (vhd_validate_header).
            p.add("dynamic header data offset is not 0xFFFFFFFFFFFFFFFF");
        }
        long batEnd = h.tableOffset() + h.maxTableEntries() * 4;
        if (h.tableOffset() <= 0 || h.tableOffset() % 512 != 0 || batEnd > fileSize - VhdFooter.SIZE) {
            // vhd-util check: "invalid table offset" (sector-aligned, BAT inside the file before the footer).
            p.add("block allocation table at " + h.tableOffset() + " (" + h.maxTableEntries()
                    + " entries) is misaligned or runs past the footer");
        }
        if (h.blockSize() != XEN_BLOCK_SIZE) {
            // blktap's libvhd.h fixes VHD_BLOCK_SHIFT at 21 and sm's vhdutil uses VHD_BLOCK_SIZE = 2 MiB for
            // sizes and overheads; vhd-util check itself only demands a power of two.
            p.add("block size " + h.blockSize() + " is not 2 MiB");
        }
        long blocks = (footer.currentSize() + XEN_BLOCK_SIZE - 1) / XEN_BLOCK_SIZE;
        if (h.maxTableEntries() < blocks) {
            // vhd-util check: "VHD size exceeds BAT size".
            p.add("block allocation table has " + h.maxTableEntries() + " entries, the disk needs " + blocks);
        }
        if (footer.diskType() == VhdFooter.TYPE_DYNAMIC && !h.parentFieldsEmpty()) {
            // vhd-util check: a disk without parent must have zero parent name, locators, uuid and time stamp.
            p.add("dynamic disk carries parent fields (name, locators, uuid or time stamp)");
        }
        if (!h.reservedZero()) {
            p.add("dynamic header reserved bytes are not zero");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
