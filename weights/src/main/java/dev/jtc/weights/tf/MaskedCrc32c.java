package dev.jtc.weights.tf;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/**
 * The checksum LevelDB and TensorFlow store: CRC-32C, rotated and offset ("masked") so that a
 * checksum of data that itself contains checksums does not degenerate.
 */
final class MaskedCrc32c {

    private static final int MASK_DELTA = 0xa282ead8;
    private static final long CHUNK = 1L << 30;

    private MaskedCrc32c() {
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Masked CRC-32C of all bytes of {@code data}, read in chunks so that tensors over 2 GiB work too. */
    static int of(MemorySegment data) {
        CRC32C crc = new CRC32C();
        for (long at = 0; at < data.byteSize(); at += CHUNK) {
            crc.update(data.asSlice(at, Math.min(CHUNK, data.byteSize() - at)).asByteBuffer());
        }
        return mask((int) crc.getValue());
    }

    /**
     * The checksum TensorFlow stores for a string tensor of {@code count} elements, whose bytes are
     * the varint lengths, a masked CRC of those lengths, then the string bytes. TensorFlow feeds each
     * length to the CRC as a 4-byte little-endian integer (8 bytes above 2^32 - 1), not as the
     * varint it stores; returns 0
     * when the layout itself is broken (a checksum never matches then).
     */
    static int ofStrings(MemorySegment data, long count) {
        CRC32C crc = new CRC32C();
        java.nio.ByteBuffer eight = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long pos = 0, total = 0;
        for (long i = 0; i < count; i++) {
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= data.byteSize() || shift > 63) return 0;
                int b = data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, pos++) & 0xff;
                len |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) break;
            }
            eight.clear();
            if (len <= 0xffffffffL) eight.putInt((int) len);
            else eight.putLong(len);
            crc.update(eight.flip());
            total += len;
        }
        if (pos + 4 + total != data.byteSize()) return 0;
        crc.update(data.asSlice(pos, 4).asByteBuffer()); // the stored (masked) length checksum
        crc.update(data.asSlice(pos + 4, total).asByteBuffer());
        return mask((int) crc.getValue());
    }
}
