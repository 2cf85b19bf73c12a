package dev.strata.builder.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.UUID;

/**
 * The 512-byte VHD hard disk footer (Microsoft "Virtual Hard Disk Image Format Specification";
 * same layout as blktap's struct hd_ftr). Big-endian. Offsets:
 * cookie "conectix" @0 (8), features @8, file format version @12, data offset @16 (8),
 * timestamp @24 (seconds since 2000-01-01 00:00 UTC), creator application @28 (4 chars),
 * creator version @32, creator host OS @36 ("Wi2k", "Mac "), original size @40 (8),
 * current size @48 (8), geometry @56 (cylinders 2, heads 1, sectors/track 1), disk type @60
 * (2 fixed, 3 dynamic, 4 differencing), checksum @64, unique id @68 (16), saved state @84,
 * then reserved bytes; blktap uses the first reserved byte (@85) as its "hidden" flag.
 *
 * <p>A fixed disk has the footer only at the end; dynamic and differencing disks also keep a copy
 * at offset 0 (see {@link VhdImage}).
 *
 * @param cookie             the 8-byte cookie as ASCII
 * @param features           feature bits (0x1 temporary, 0x2 reserved and always set)
 * @param fileFormatVersion  0x00010000 for every VHD in use
 * @param dataOffset         offset of the dynamic header; all ones for a fixed disk
 * @param timestamp          creation time
 * @param creatorApplication 4-character creator id with trailing NULs removed ("qem2", "tap", "vpc ")
 * @param creatorVersion     creator version, major in the high 16 bits
 * @param creatorHostOs      4-character host OS id ("Wi2k", "Mac ")
 * @param originalSize       size at creation, bytes
 * @param currentSize        current virtual size, bytes
 * @param geometry           CHS geometry
 * @param diskType           2 fixed, 3 dynamic, 4 differencing
 * @param checksum           stored checksum
 * @param computedChecksum   one's complement of the byte sum with the checksum field counted as zero
 * @param uuid               unique id
 * @param savedState         1 when the disk belongs to a saved (suspended) VM
 * @param hidden             blktap's hidden flag (byte 85)
 * @param reservedZero       bytes 86..511 are all zero
 */
public record VhdFooter(String cookie, int features, int fileFormatVersion, long dataOffset, Instant timestamp,
                        String creatorApplication, int creatorVersion, String creatorHostOs, long originalSize,
                        long currentSize, DiskGeometry geometry, int diskType, int checksum, int computedChecksum,
                        UUID uuid, int savedState, int hidden, boolean reservedZero) {

    public static final int SIZE = 512;
    public static final String COOKIE = "conectix";
    public static final int TYPE_FIXED = 2;
    public static final int TYPE_DYNAMIC = 3;
    public static final int TYPE_DIFFERENCING = 4;
    public static final int FEATURE_TEMPORARY = 0x1;
    public static final int FEATURE_RESERVED = 0x2;
    public static final int FORMAT_VERSION = 0x00010000;
    /** 2000-01-01T00:00:00Z, the VHD epoch. */
    public static final long VHD_EPOCH = 946_684_800L;

    private static final int CHECKSUM_AT = 64;

    /** Cylinders / heads / sectors per track, as stored at offset 56. */
    public record DiskGeometry(int cylinders, int heads, int sectorsPerTrack) {

        /** The 32-bit field value as an unsigned number (what vhd-util compares). */
        public long encoded() {
            return ((long) cylinders << 16) | ((long) heads << 8) | sectorsPerTrack;
        }

        public long sectors() {
            return (long) cylinders * heads * sectorsPerTrack;
        }

        @Override
        public String toString() {
            return cylinders + "/" + heads + "/" + sectorsPerTrack;
        }
    }

    /** The stored checksum is right. */
    public boolean checksumValid() {
        return checksum == computedChecksum;
    }

    public boolean isDynamic() {
        return diskType == TYPE_DYNAMIC;
    }

    public String diskTypeName() {
        return switch (diskType) {
            case 0 -> "none";
            case TYPE_FIXED -> "fixed";
            case TYPE_DYNAMIC -> "dynamic";
            case TYPE_DIFFERENCING -> "differencing";
            default -> "reserved(" + diskType + ")";
        };
    }

    /** Parses exactly 512 bytes. */
    public static VhdFooter parse(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("a VHD footer is 512 bytes, got " + b.length);
        }
        ByteBuffer bb = ByteBuffer.wrap(b); // big-endian by default, as the format
        boolean reservedZero = true;
        for (int i = 86; i < SIZE; i++) {
            reservedZero &= b[i] == 0;
        }
        int stored = bb.getInt(CHECKSUM_AT);
        return new VhdFooter(
                new String(b, 0, 8, StandardCharsets.ISO_8859_1),
                bb.getInt(8),
                bb.getInt(12),
                bb.getLong(16),
                Instant.ofEpochSecond(VHD_EPOCH + Integer.toUnsignedLong(bb.getInt(24))),
                stripNuls(new String(b, 28, 4, StandardCharsets.ISO_8859_1)),
                bb.getInt(32),
                new String(b, 36, 4, StandardCharsets.ISO_8859_1),
                bb.getLong(40),
                bb.getLong(48),
                new DiskGeometry(Short.toUnsignedInt(bb.getShort(56)), Byte.toUnsignedInt(b[58]),
                        Byte.toUnsignedInt(b[59])),
                bb.getInt(60),
                stored,
                computeChecksum(b),
                new UUID(bb.getLong(68), bb.getLong(76)),
                Byte.toUnsignedInt(b[84]),
                Byte.toUnsignedInt(b[85]),
                reservedZero);
    }

    /** Reads the primary footer (the last 512 bytes) of a VHD file. */
    public static VhdFooter read(Path vhd) throws IOException {
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SIZE) {
                throw new IOException(vhd + " is " + size + " bytes, smaller than a VHD footer");
            }
            return parse(readAt(ch, size - SIZE, SIZE));
        }
    }

    /**
     * The footer checksum: one's complement of the sum of all footer bytes, the checksum field
     * itself (bytes 64..67) counted as zero.
     */
    public static int computeChecksum(byte[] footer) {
        return onesComplementSum(footer, CHECKSUM_AT);
    }

    /** One's complement of the byte sum of {@code data}, skipping the 4 bytes at {@code skipAt}. */
    static int onesComplementSum(byte[] data, int skipAt) {
        int sum = 0;
        for (int i = 0; i < data.length; i++) {
            if (i < skipAt || i >= skipAt + 4) {
                sum += Byte.toUnsignedInt(data[i]);
            }
        }
        return ~sum;
    }

    /**
     * The CHS geometry the VHD specification (and blktap's vhd_chs) derives from a size; vhd-util
     * check refuses a footer whose geometry is larger than this.
     */
    public static DiskGeometry geometryFor(long sizeBytes) {
        long secs = Math.max(1, (sizeBytes + 511) / 512);
        if (secs > 65535L * 16 * 255) {
            secs = 65535L * 16 * 255;
        }
        long spt;
        long heads;
        long cth;
        if (secs >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cth = secs / spt;
        } else {
            spt = 17;
            cth = secs / spt;
            heads = Math.max(4, (cth + 1023) / 1024);
            if (cth >= heads * 1024 || heads > 16) {
                spt = 31;
                heads = 16;
                cth = secs / spt;
            }
            if (cth >= heads * 1024) {
                spt = 63;
                heads = 16;
                cth = secs / spt;
            }
        }
        return new DiskGeometry((int) (cth / heads), (int) heads, (int) spt);
    }

    static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (position + buf.position()));
            }
        }
        return buf.array();
    }

    private static String stripNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }
}
