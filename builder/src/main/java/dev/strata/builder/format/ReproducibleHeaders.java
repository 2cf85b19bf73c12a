package dev.strata.builder.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * qemu-img stamps a VHD footer with the wall clock and a random UUID, and a VMDK descriptor with a
 * random content ID (CID). Everything else it writes is a function of the input, so rewriting
 * these few fields from the build's inputs makes the files reproducible. Done in place: the
 * fields have fixed sizes.
 */
public final class ReproducibleHeaders {

    /** Seconds between the Unix epoch and the VHD epoch (2000-01-01T00:00:00Z). */
    static final long VHD_EPOCH = 946_684_800L;
    private static final int FOOTER = 512;
    private static final int TIMESTAMP = 24;
    private static final int GEOMETRY = 56;
    private static final int CURRENT_SIZE = 48;
    private static final int CHECKSUM = 64;
    private static final int UUID_OFFSET = 68;

    private ReproducibleHeaders() {
    }

    /** Sets timestamp and UUID in the footer at the end and in its copy at offset 0 (dynamic disks). */
    public static void normaliseVhd(Path vhd, long epoch, UUID uuid) throws IOException {
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            rewriteFooter(ch, size - FOOTER, epoch, uuid);
            ByteBuffer head = ByteBuffer.allocate(8);
            ch.read(head, 0);
            if (new String(head.array(), StandardCharsets.US_ASCII).equals("conectix")) {
                rewriteFooter(ch, 0, epoch, uuid);
            }
        }
    }

    private static void rewriteFooter(FileChannel ch, long offset, long epoch, UUID uuid) throws IOException {
        ByteBuffer footer = ByteBuffer.allocate(FOOTER);
        ch.read(footer, offset);
        if (!new String(footer.array(), 0, 8, StandardCharsets.US_ASCII).equals("conectix")) {
            throw new IOException("no VHD footer at offset " + offset);
        }
        footer.putInt(TIMESTAMP, (int) Math.max(0, epoch - VHD_EPOCH));
        // qemu-img's force_size writes the maximum CHS geometry (a "use the stored size" hint);
        // XenServer's vhd-util check rejects a geometry larger than the spec's for the size.
        VhdFooter.DiskGeometry g = VhdFooter.geometryFor(footer.getLong(CURRENT_SIZE));
        footer.putShort(GEOMETRY, (short) g.cylinders());
        footer.put(GEOMETRY + 2, (byte) g.heads());
        footer.put(GEOMETRY + 3, (byte) g.sectorsPerTrack());
        footer.putLong(UUID_OFFSET, uuid.getMostSignificantBits());
        footer.putLong(UUID_OFFSET + 8, uuid.getLeastSignificantBits());
        footer.putInt(CHECKSUM, 0);
        int sum = 0;
        for (byte b : footer.array()) {
            sum += b & 0xff;
        }
        footer.putInt(CHECKSUM, ~sum);
        footer.rewind();
        ch.write(footer, offset);
    }

    /** Replaces the 8-hex-digit {@code CID=} of the embedded VMDK descriptor. */
    public static void normaliseVmdk(Path vmdk, String seedHex) throws IOException {
        try (FileChannel ch = FileChannel.open(vmdk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int scan = (int) Math.min(ch.size(), 64 * 1024);
            ByteBuffer head = ByteBuffer.allocate(scan);
            ch.read(head, 0);
            String text = new String(head.array(), StandardCharsets.ISO_8859_1);
            int at = text.indexOf("\nCID=");
            if (at < 0) {
                throw new IOException("no CID in the VMDK descriptor of " + vmdk);
            }
            byte[] cid = seedHex.substring(0, 8).getBytes(StandardCharsets.US_ASCII);
            ch.write(ByteBuffer.wrap(cid), at + 5);
        }
    }
}
