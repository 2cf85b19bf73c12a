package dev.strata.seeder.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a qcow2 image's virtual size from its header (magic {@code QFI\xfb}, then the size as a
 * big-endian 64-bit number at offset 24): what {@code qemu-img info} reports as "virtual size",
 * which is what setup-sysvm-tmplt stores for KVM.
 */
final class Qcow2 {

    private static final int MAGIC = 0x514649fb;

    private Qcow2() {
    }

    /** The virtual size, or -1 when the file is not qcow2. */
    static long virtualSize(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(32);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the whole header
            }
            if (b.position() < 32 || b.getInt(0) != MAGIC) {
                return -1;
            }
            return b.getLong(24);
        }
    }
}
