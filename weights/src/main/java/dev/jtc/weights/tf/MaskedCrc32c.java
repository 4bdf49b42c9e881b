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
}
