package dev.jtc.weights.tf;

import dev.jtc.weights.WeightsException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reader for the LevelDB table format that TensorFlow uses for a bundle's {@code .index} file:
 * a footer with two block handles and a magic number, an index block whose values point at the
 * data blocks, and in every block prefix-compressed keys followed by a restart array. Every
 * block's trailer (compression byte and masked CRC-32C) is checked before the block is used.
 */
final class SortedStringTable {

    static final long MAGIC = 0xdb4775248b80fb57L;
    static final int FOOTER_SIZE = 48;
    private static final int TRAILER_SIZE = 5;
    private static final int NO_COMPRESSION = 0, SNAPPY = 1;

    /** One key/value pair, in table (sorted key) order. */
    record Entry(byte[] key, byte[] value) {
    }

    private final byte[] file;
    private final String where;

    private SortedStringTable(byte[] file, String where) {
        this.file = file;
        this.where = where;
    }

    /** All entries of the table in {@code file}; {@code where} names the file in errors. */
    static List<Entry> read(byte[] file, String where) {
        return new SortedStringTable(file, where).entries();
    }

    private List<Entry> entries() {
        if (file.length < FOOTER_SIZE) {
            throw new WeightsException(where + ": truncated, the file has " + file.length
                    + " bytes, fewer than the " + FOOTER_SIZE + "-byte table footer.");
        }
        long magic = littleEndianLong(file, file.length - 8);
        if (magic != MAGIC) {
            throw new WeightsException(where + ": bad magic number 0x" + Long.toHexString(magic)
                    + " at the end of the file; expected 0x" + Long.toHexString(MAGIC)
                    + " (a TensorFlow tensor bundle index, which is a LevelDB table).");
        }
        int[] cursor = {file.length - FOOTER_SIZE};
        int footerEnd = file.length - 8;
        blockHandle(cursor, footerEnd, "the footer's metaindex handle"); // no filters are used: ignored
        long[] index = blockHandle(cursor, footerEnd, "the footer's index handle");
        List<Entry> indexEntries = block(index, "index block");
        List<Entry> out = new ArrayList<>();
        byte[] previousKey = null;
        for (Entry ie : indexEntries) {
            int[] c = {0};
            long[] handle = blockHandleIn(ie.value(), c, "an index entry's data block handle");
            for (Entry e : block(handle, "data block")) {
                if (previousKey != null && Arrays.compareUnsigned(previousKey, e.key()) >= 0) {
                    throw new WeightsException(where + ": corrupt table, keys are not in ascending order at \""
                            + printable(e.key()) + "\".");
                }
                previousKey = e.key();
                out.add(e);
            }
        }
        return out;
    }

    /** Decodes the entries of the block at {@code handle = {offset, size}} after checking its trailer. */
    private List<Entry> block(long[] handle, String what) {
        long offset = handle[0], size = handle[1];
        String blockName = what + " at offset " + offset;
        if (offset > file.length || size > file.length || offset + size + TRAILER_SIZE > file.length - FOOTER_SIZE) {
            throw new WeightsException(where + ": truncated or corrupt, the " + blockName + " with " + size
                    + " bytes runs past the end of the " + file.length + "-byte file.");
        }
        int start = (int) offset, end = (int) (offset + size);
        int type = file[end] & 0xff;
        int stored = (int) littleEndianLong4(file, end + 1);
        CRC32C crc = new CRC32C();
        crc.update(file, start, (int) size + 1); // the checksum covers the contents and the type byte
        if (MaskedCrc32c.mask((int) crc.getValue()) != stored) {
            throw new WeightsException(where + ": corrupt " + blockName + ", its CRC-32C does not match the "
                    + "checksum stored in its trailer.");
        }
        if (type == SNAPPY) {
            throw new WeightsException(where + ": the " + blockName + " is Snappy-compressed, which jtc does not "
                    + "read; TensorFlow writes bundle indexes uncompressed, re-save the checkpoint with TensorFlow.");
        }
        if (type != NO_COMPRESSION) {
            throw new WeightsException(where + ": the " + blockName + " has unknown compression type " + type
                    + "; expected 0 (none).");
        }
        return entriesOf(start, end, blockName);
    }

    private List<Entry> entriesOf(int start, int end, String blockName) {
        if (end - start < 4) {
            throw new WeightsException(where + ": corrupt " + blockName + ", " + (end - start)
                    + " bytes cannot hold its restart count.");
        }
        long restarts = littleEndianLong4(file, end - 4) & 0xffffffffL;
        long restartBytes = restarts * 4 + 4;
        if (restarts == 0 || restartBytes > end - start) {
            throw new WeightsException(where + ": corrupt " + blockName + ", its restart count " + restarts
                    + " does not fit its " + (end - start) + " bytes.");
        }
        int limit = (int) (end - restartBytes);
        List<Entry> entries = new ArrayList<>();
        byte[] key = new byte[0];
        int[] c = {start};
        while (c[0] < limit) {
            long shared = varint(c, limit, blockName);
            long unshared = varint(c, limit, blockName);
            long valueLength = varint(c, limit, blockName);
            if (shared > key.length || unshared > limit - c[0] || valueLength > limit - c[0] - unshared) {
                throw new WeightsException(where + ": corrupt " + blockName + ", an entry at offset " + c[0]
                        + " claims more bytes (shared " + shared + ", new " + unshared + ", value " + valueLength
                        + ") than its block holds.");
            }
            byte[] next = Arrays.copyOf(key, (int) (shared + unshared));
            System.arraycopy(file, c[0], next, (int) shared, (int) unshared);
            c[0] += (int) unshared;
            byte[] value = Arrays.copyOfRange(file, c[0], c[0] + (int) valueLength);
            c[0] += (int) valueLength;
            entries.add(new Entry(next, value));
            key = next;
        }
        return entries;
    }

    private long[] blockHandle(int[] c, int limit, String what) {
        return new long[]{varint(c, limit, what), varint(c, limit, what)};
    }

    private long[] blockHandleIn(byte[] bytes, int[] c, String what) {
        return new long[]{varintIn(bytes, c, bytes.length, what), varintIn(bytes, c, bytes.length, what)};
    }

    private long varint(int[] c, int limit, String what) {
        return varintIn(file, c, limit, what);
    }

    private long varintIn(byte[] bytes, int[] c, int limit, String what) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (c[0] >= limit) {
                throw new WeightsException(where + ": bad varint in " + what + ", it runs past the end of its bytes.");
            }
            int b = bytes[c[0]++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) throw new WeightsException(where + ": bad varint in " + what + ", the value is negative.");
                return result;
            }
        }
        throw new WeightsException(where + ": bad varint in " + what + ", it is longer than 10 bytes.");
    }

    static long littleEndianLong(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }

    private static long littleEndianLong4(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (long) (b[at + 3] & 0xff) << 24;
    }

    static String printable(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (byte b : key) {
            int v = b & 0xff;
            if (v >= 0x20 && v < 0x7f) sb.append((char) v);
            else sb.append(String.format("\\x%02x", v));
        }
        return sb.toString();
    }
}
