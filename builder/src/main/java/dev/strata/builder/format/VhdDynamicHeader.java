package dev.strata.builder.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The 1024-byte dynamic disk header of a dynamic or differencing VHD, found at the footer's data
 * offset (blktap's struct dd_hdr). Big-endian. Offsets: cookie "cxsparse" @0 (8), data offset @8
 * (8, unused, all ones), table offset @16 (8, absolute offset of the block allocation table),
 * header version @24 (0x00010000), max table entries @28, block size @32, checksum @36, parent
 * unique id @40 (16), parent timestamp @56, reserved @60 (4), parent unicode name @64 (512), eight
 * parent locators @576 (24 each), reserved @768 (256).
 *
 * @param cookie            the 8-byte cookie as ASCII
 * @param dataOffset        unused, must be all ones
 * @param tableOffset       absolute offset of the BAT
 * @param headerVersion     0x00010000
 * @param maxTableEntries   BAT entries, one per block of the virtual disk
 * @param blockSize         bytes per block (2 MiB default)
 * @param checksum          stored checksum
 * @param computedChecksum  one's complement of the byte sum with the checksum field counted as zero
 * @param parentUuid        parent's unique id (differencing disks)
 * @param parentFieldsEmpty parent id, time stamp, name and locators are all zero (a disk without parent)
 * @param reservedZero      both reserved areas are zero
 */
public record VhdDynamicHeader(String cookie, long dataOffset, long tableOffset, int headerVersion,
                               long maxTableEntries, long blockSize, int checksum, int computedChecksum,
                               UUID parentUuid, boolean parentFieldsEmpty, boolean reservedZero) {

    public static final int SIZE = 1024;
    public static final String COOKIE = "cxsparse";
    public static final int HEADER_VERSION = 0x00010000;
    private static final int CHECKSUM_AT = 36;

    /** The stored checksum is right. */
    public boolean checksumValid() {
        return checksum == computedChecksum;
    }

    /** Parses exactly 1024 bytes. */
    public static VhdDynamicHeader parse(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("a VHD dynamic header is 1024 bytes, got " + b.length);
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        int stored = bb.getInt(CHECKSUM_AT);
        return new VhdDynamicHeader(
                new String(b, 0, 8, StandardCharsets.ISO_8859_1),
                bb.getLong(8),
                bb.getLong(16),
                bb.getInt(24),
                Integer.toUnsignedLong(bb.getInt(28)),
                Integer.toUnsignedLong(bb.getInt(32)),
                stored,
                VhdFooter.onesComplementSum(b, CHECKSUM_AT),
                new UUID(bb.getLong(40), bb.getLong(48)),
                allZero(b, 40, 60) && allZero(b, 64, 768),
                allZero(b, 60, 64) && allZero(b, 768, SIZE));
    }

    /** The header checksum: one's complement of the byte sum, bytes 36..39 counted as zero. */
    public static int computeChecksum(byte[] header) {
        return VhdFooter.onesComplementSum(header, CHECKSUM_AT);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
