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

    /** "KDMV": the magic of a sparse (here streamOptimized) VMDK extent header, little-endian. */
    private static final int VMDK_MAGIC = 0x564d444b;
    private static final int SECTOR = 512;

    /**
     * Sets the embedded descriptor's {@code CID=} to the first 8 hex digits of {@code seedHex}.
     *
     * <p>qemu-img writes a random CID with {@code %x}, not {@code %08x}: one file in 16 has a CID
     * of 7 digits or fewer, so its descriptor is shorter and every later descriptor byte sits one
     * place earlier (and overwriting 8 digits in place would eat the newline). So the descriptor
     * is rewritten as text: the CID line replaced, the rest moved up or down, the remainder of its
     * area (descriptorOffset/descriptorSize sectors in the header) zero-filled as qemu leaves it.
     * Nothing else in a streamOptimized file is random: the footer repeats the header, grain and
     * table markers depend on the data only.
     */
    public static void normaliseVmdk(Path vmdk, String seedHex) throws IOException {
        try (FileChannel ch = FileChannel.open(vmdk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(SECTOR).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            if (header.getInt(0) != VMDK_MAGIC) {
                throw new IOException("no CID in the VMDK descriptor of " + vmdk + " (no sparse VMDK header)");
            }
            long offset = header.getLong(28) * SECTOR;
            long size = header.getLong(36) * SECTOR;
            if (offset <= 0 || size <= 0 || size > 1 << 20 || offset + size > ch.size()) {
                throw new IOException("no CID in the VMDK descriptor of " + vmdk + " (no embedded descriptor)");
            }
            ByteBuffer area = ByteBuffer.allocate((int) size);
            ch.read(area, offset);
            String all = new String(area.array(), StandardCharsets.ISO_8859_1);
            int nul = all.indexOf('\0');
            String text = nul < 0 ? all : all.substring(0, nul);
            int at = text.startsWith("CID=") ? 0 : text.indexOf("\nCID=");
            if (at < 0) {
                throw new IOException("no CID in the VMDK descriptor of " + vmdk);
            }
            at = at == 0 ? 0 : at + 1;
            int eol = text.indexOf('\n', at);
            if (eol < 0) {
                throw new IOException("unterminated CID line in the VMDK descriptor of " + vmdk);
            }
            String fixed = text.substring(0, at) + "CID=" + seedHex.substring(0, 8) + text.substring(eol);
            if (fixed.length() > size) {
                throw new IOException("VMDK descriptor of " + vmdk + " has no room for an 8-digit CID");
            }
            byte[] out = new byte[(int) size];
            byte[] bytes = fixed.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(bytes, 0, out, 0, bytes.length);
            ch.write(ByteBuffer.wrap(out), offset);
        }
    }
}
