package dev.strata.builder.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sparse-extent header of a hosted VMDK (first 512 bytes, little-endian) and the text
 * descriptor embedded after it. Read to make sure a disk put in an OVA is the streamOptimized kind
 * ESXi imports from OVAs, and that its capacity and adapter agree with the OVF we write.
 *
 * <p>Header layout (VMware Virtual Disk Format 5.0, SparseExtentHeader): magic "KDMV" @0,
 * version @4, flags @8, capacity in sectors @12, grain size @20, descriptor offset (sectors) @28,
 * descriptor size (sectors) @36, ..., compressAlgorithm @77 (1 = deflate). Flag 0x10000 = grains
 * compressed, 0x20000 = markers present: both set in a streamOptimized extent.
 *
 * @param magicOk            the first four bytes are "KDMV"
 * @param version            header version (3 for streamOptimized as written by qemu and VMware)
 * @param flags              header flags
 * @param capacitySectors    virtual size in 512-byte sectors
 * @param compressAlgorithm  0 none, 1 deflate
 * @param createType         createType from the embedded descriptor, or null
 * @param adapterType        ddb.adapterType from the embedded descriptor, or null
 */
public record VmdkHeader(boolean magicOk, int version, int flags, long capacitySectors,
                         int compressAlgorithm, String createType, String adapterType) {

    static final int FLAG_COMPRESSED = 0x10000;
    static final int FLAG_MARKERS = 0x20000;
    /** Enough for the header and the embedded descriptor qemu and VMware write at sector 1. */
    static final int HEAD_BYTES = 64 * 1024;

    private static final Pattern CREATE_TYPE = Pattern.compile("(?m)^\\s*createType\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern ADAPTER = Pattern.compile("(?m)^\\s*ddb\\.adapterType\\s*=\\s*\"([^\"]*)\"");

    public long capacityBytes() {
        return capacitySectors * 512L;
    }

    /** True when this is a compressed, marker-based, deflate extent declared streamOptimized. */
    public boolean isStreamOptimized() {
        return magicOk
                && (flags & FLAG_COMPRESSED) != 0
                && (flags & FLAG_MARKERS) != 0
                && compressAlgorithm == 1
                && "streamOptimized".equals(createType);
    }

    public static VmdkHeader read(Path vmdk) throws IOException {
        try (InputStream in = Files.newInputStream(vmdk)) {
            return parse(in.readNBytes(HEAD_BYTES));
        }
    }

    /** Parses the first bytes of a VMDK (at least 512; the descriptor is read if it is within them). */
    public static VmdkHeader parse(byte[] head) {
        if (head.length < 512) {
            return new VmdkHeader(false, 0, 0, 0, 0, null, null);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        boolean magicOk = head[0] == 'K' && head[1] == 'D' && head[2] == 'M' && head[3] == 'V';
        int version = b.getInt(4);
        int flags = b.getInt(8);
        long capacity = b.getLong(12);
        long descOffset = b.getLong(28);
        long descSize = b.getLong(36);
        int compress = Short.toUnsignedInt(b.getShort(77));

        String createType = null;
        String adapterType = null;
        if (magicOk && descOffset > 0 && descSize > 0) {
            long start = descOffset * 512;
            long end = Math.min(head.length, start + descSize * 512);
            if (start < end) {
                String text = new String(head, (int) start, (int) (end - start), StandardCharsets.US_ASCII);
                int nul = text.indexOf('\0');
                if (nul >= 0) {
                    text = text.substring(0, nul);
                }
                createType = group(CREATE_TYPE.matcher(text));
                adapterType = group(ADAPTER.matcher(text));
            }
        }
        return new VmdkHeader(magicOk, version, flags, capacity, compress, createType, adapterType);
    }

    private static String group(Matcher m) {
        return m.find() ? m.group(1) : null;
    }
}
