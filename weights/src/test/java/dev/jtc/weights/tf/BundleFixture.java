package dev.jtc.weights.tf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes small tensor bundles from scratch for the error-path tests, following the LevelDB table
 * format and TensorFlow's bundle protos as documented (not our reader's code), with knobs to
 * produce the malformed variants a reader must reject. Values are checked against TensorFlow's
 * own writer in {@link TensorBundleTfWrittenTest}; this fixture is for shapes TF will not write.
 */
final class BundleFixture {

    /** A tensor to write: TF dtype number, shape, raw little-endian bytes, and overrides for bad entries. */
    static final class Tensor {
        final String name;
        int dtype = 1;
        long[] shape;
        byte[] bytes;
        int shard = 0;
        Long offsetOverride, sizeOverride;
        Integer crcOverride;
        boolean sliced;
        byte[] rawEntryOverride;

        Tensor(String name, long[] shape, float... values) {
            this.name = name;
            this.shape = shape;
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) b.putFloat(v);
            this.bytes = b.array();
        }
    }

    int numShards = 1;
    int endianness = 0;
    int restartInterval = 16;
    int blockSize = 4096;
    int compression = 0;
    final List<Tensor> tensors = new ArrayList<>();

    Tensor add(String name, long[] shape, float... values) {
        Tensor t = new Tensor(name, shape, values);
        tensors.add(t);
        return t;
    }

    /** Writes PREFIX.index and the data shards; returns the prefix. */
    Path write(Path dir, String name) throws IOException {
        Path prefix = dir.resolve(name);
        ByteArrayOutputStream[] shards = new ByteArrayOutputStream[numShards];
        for (int i = 0; i < numShards; i++) shards[i] = new ByteArrayOutputStream();
        TreeMap<String, byte[]> entries = new TreeMap<>(BundleFixture::compareUtf8);
        entries.put("", header());
        for (Tensor t : tensors) {
            ByteArrayOutputStream shard = shards[Math.min(t.shard, numShards - 1)];
            long offset = shard.size();
            shard.write(t.bytes);
            entries.put(t.name, t.rawEntryOverride != null ? t.rawEntryOverride : entry(t, offset));
        }
        for (int i = 0; i < numShards; i++) {
            Files.write(prefix.resolveSibling(String.format("%s.data-%05d-of-%05d", name, i, numShards)), shards[i].toByteArray());
        }
        Files.write(prefix.resolveSibling(name + ".index"), table(entries));
        return prefix;
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] header() {
        Proto p = new Proto();
        p.varintField(1, numShards);
        if (endianness != 0) p.varintField(2, endianness);
        Proto version = new Proto();
        version.varintField(1, 1);
        p.bytesField(3, version.bytes());
        return p.bytes();
    }

    private static byte[] entry(Tensor t, long offset) {
        Proto p = new Proto();
        p.varintField(1, t.dtype);
        Proto shape = new Proto();
        for (long d : t.shape) {
            Proto dim = new Proto();
            dim.varintField(1, d);
            shape.bytesField(2, dim.bytes());
        }
        p.bytesField(2, shape.bytes());
        if (t.shard != 0) p.varintField(3, t.shard);
        p.varintField(4, t.offsetOverride != null ? t.offsetOverride : offset);
        p.varintField(5, t.sizeOverride != null ? t.sizeOverride : t.bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(t.bytes);
        p.fixed32Field(6, t.crcOverride != null ? t.crcOverride : mask((int) crc.getValue()));
        if (t.sliced) p.bytesField(7, new byte[0]);
        return p.bytes();
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** A LevelDB table: data blocks of about blockSize bytes, an index block, an empty metaindex, the footer. */
    private byte[] table(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> indexKeys = new ArrayList<>();
        List<byte[]> indexValues = new ArrayList<>();
        BlockBuilder block = new BlockBuilder(restartInterval);
        byte[] lastKey = null;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            block.add(key, e.getValue());
            lastKey = key;
            if (block.size() >= blockSize) {
                indexKeys.add(lastKey);
                indexValues.add(flush(out, block.finish()));
                block = new BlockBuilder(restartInterval);
            }
        }
        if (!block.empty()) {
            indexKeys.add(lastKey);
            indexValues.add(flush(out, block.finish()));
        }
        byte[] meta = flush(out, new BlockBuilder(restartInterval).finish());
        BlockBuilder index = new BlockBuilder(1);
        for (int i = 0; i < indexKeys.size(); i++) index.add(indexKeys.get(i), indexValues.get(i));
        byte[] indexHandle = flush(out, index.finish());
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        footer.writeBytes(meta);
        footer.writeBytes(indexHandle);
        while (footer.size() < 40) footer.write(0);
        out.writeBytes(footer.toByteArray());
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0xdb4775248b80fb57L).array());
        return out.toByteArray();
    }

    /** Appends block + trailer and returns its encoded BlockHandle. */
    private byte[] flush(ByteArrayOutputStream out, byte[] block) {
        long offset = out.size();
        out.writeBytes(block);
        out.write(compression);
        CRC32C crc = new CRC32C();
        crc.update(block);
        crc.update(compression);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(mask((int) crc.getValue())).array());
        Proto handle = new Proto();
        handle.varint(offset);
        handle.varint(block.length);
        return handle.bytes();
    }

    private static final class BlockBuilder {
        private final int interval;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final List<Integer> restarts = new ArrayList<>(List.of(0));
        private byte[] last = new byte[0];
        private int count;

        BlockBuilder(int interval) {
            this.interval = interval;
        }

        void add(byte[] key, byte[] value) {
            int shared = 0;
            if (count % interval == 0 && count > 0) {
                restarts.add(buf.size());
            } else if (count > 0) {
                while (shared < Math.min(last.length, key.length) && last[shared] == key[shared]) shared++;
            }
            Proto p = new Proto();
            p.varint(shared);
            p.varint(key.length - shared);
            p.varint(value.length);
            buf.writeBytes(p.bytes());
            buf.write(key, shared, key.length - shared);
            buf.writeBytes(value);
            last = key;
            count++;
        }

        boolean empty() {
            return count == 0;
        }

        int size() {
            return buf.size();
        }

        byte[] finish() {
            ByteBuffer b = ByteBuffer.allocate(restarts.size() * 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int r : restarts) b.putInt(r);
            b.putInt(restarts.size());
            buf.writeBytes(b.array());
            return buf.toByteArray();
        }
    }

    /** Protobuf wire-format encoder for the few field kinds the bundle protos use. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void varintField(int field, long v) {
            varint((long) field << 3);
            varint(v);
        }

        void bytesField(int field, byte[] b) {
            varint((long) field << 3 | 2);
            varint(b.length);
            out.writeBytes(b);
        }

        void fixed32Field(int field, int v) {
            varint((long) field << 3 | 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
