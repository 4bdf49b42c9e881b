package dev.jtc.weights.tf;

import dev.jtc.weights.DType;
import dev.jtc.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The bundle reader on hand-built bundles: many blocks, several shards, every kind of damage. */
class TensorBundleTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void readsManyBlocksAndShardsInKeyOrder() throws IOException {
        BundleFixture f = new BundleFixture();
        f.numShards = 3;
        f.blockSize = 64;          // forces many data blocks
        f.restartInterval = 3;     // and several restart points per block
        Random rnd = new Random(1);
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] v = new float[1 + rnd.nextInt(20)];
            for (int k = 0; k < v.length; k++) v[k] = (float) rnd.nextGaussian();
            values.add(v);
            f.add(String.format("model/layer_%02d/weights", 49 - i), new long[]{v.length}, v).shard = i % 3;
        }
        Path prefix = f.write(dir, "ckpt");
        try (TensorBundle b = TensorBundle.open(prefix)) {
            assertEquals(50, b.names().size());
            assertEquals(3, b.shardCount());
            assertEquals("model/layer_00/weights", b.names().getFirst(), "names come in key order");
            for (int i = 0; i < 50; i++) {
                String name = String.format("model/layer_%02d/weights", 49 - i);
                float[] expected = values.get(i);
                assertArrayEquals(new long[]{expected.length}, b.info(name).shape());
                MemorySegment s = b.raw(name);
                assertTrue(s.isReadOnly());
                for (int k = 0; k < expected.length; k++) assertEquals(expected[k], s.getAtIndex(F32, k), name);
            }
            assertEquals(List.of(), b.verify());
        }
    }

    @Test
    void acceptsIndexFileDirectoryAndSavedModelPaths() throws IOException {
        Path variables = Files.createDirectories(dir.resolve("saved/variables"));
        new BundleFixtureBuilder().one().write(variables, "variables");
        for (Path p : List.of(dir.resolve("saved"), variables, variables.resolve("variables"),
                variables.resolve("variables.index"))) {
            try (TensorBundle b = TensorBundle.open(p)) {
                assertEquals(List.of("w"), b.names(), p.toString());
                assertEquals(variables.resolve("variables"), b.origin());
            }
        }
    }

    @Test
    void convertsOtherDtypesToF32() throws IOException {
        BundleFixture f = new BundleFixture();
        float[] src = {1.5f, -2.25f, 0.0078125f, 32768f}; // exact in half, bfloat16 and double
        BundleFixture.Tensor half = f.add("half", new long[]{4});
        half.dtype = 19;
        half.bytes = le(2, src, (b, v) -> b.putShort(Float.floatToFloat16(v)));
        BundleFixture.Tensor bf = f.add("bf16", new long[]{2, 2});
        bf.dtype = 14;
        bf.bytes = le(2, src, (b, v) -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16)));
        BundleFixture.Tensor dbl = f.add("f64", new long[]{4});
        dbl.dtype = 2;
        dbl.bytes = le(8, src, ByteBuffer::putDouble);
        BundleFixture.Tensor i32 = f.add("i32", new long[]{4});
        i32.dtype = 3;
        i32.bytes = le(4, new float[]{3, -7, 0, 100000}, (b, v) -> b.putInt((int) v));
        try (TensorBundle b = TensorBundle.open(f.write(dir, "ckpt")); Arena arena = Arena.ofConfined()) {
            assertEquals(DType.F16, b.info("half").dtype());
            assertEquals(DType.BF16, b.info("bf16").dtype());
            assertEquals(DType.F64, b.info("f64").dtype());
            assertEquals(DType.I32, b.info("i32").dtype());
            for (String name : List.of("half", "bf16", "f64")) {
                MemorySegment s = b.f32(name, arena);
                for (int k = 0; k < 4; k++) assertEquals(src[k], s.getAtIndex(F32, k), name + "[" + k + "]");
            }
            MemorySegment ints = b.f32("i32", arena);
            assertEquals(-7f, ints.getAtIndex(F32, 1));
            assertEquals(100000f, ints.getAtIndex(F32, 3));
        }
    }

    @Test
    void verifyNamesTheTensorWhoseBytesChanged() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("a", new long[]{2}, 1f, 2f);
        f.add("b", new long[]{2}, 3f, 4f);
        f.add("c", new long[]{1}, 5f);
        Path prefix = f.write(dir, "ckpt");
        Path data = dir.resolve("ckpt.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        bytes[9] ^= 1; // inside "b" (bytes 8..15)
        Files.write(data, bytes);
        try (TensorBundle b = TensorBundle.open(prefix)) {
            assertEquals(List.of("b"), b.verify());
            assertTrue(b.verify("a"));
            assertFalse(b.verify("b"));
            assertTrue(b.verify("c"));
        }
    }

    @Test
    void truncatedIndex() throws IOException {
        Path prefix = new BundleFixtureBuilder().one().write(dir, "ckpt");
        Path index = dir.resolve("ckpt.index");
        Files.write(index, java.util.Arrays.copyOf(Files.readAllBytes(index), 20));
        assertError(prefix, "ckpt.index", "truncated");
    }

    @Test
    void badMagic() throws IOException {
        Path prefix = new BundleFixtureBuilder().one().write(dir, "ckpt");
        editIndex(b -> b[b.length - 1] ^= 0x10);
        assertError(prefix, "ckpt.index", "bad magic number");
    }

    @Test
    void corruptBlockFailsItsChecksum() throws IOException {
        Path prefix = new BundleFixtureBuilder().one().write(dir, "ckpt");
        editIndex(b -> b[3] ^= 0x01);
        assertError(prefix, "ckpt.index", "corrupt data block at offset 0", "CRC-32C");
    }

    @Test
    void badVarintInFooter() throws IOException {
        Path prefix = new BundleFixtureBuilder().one().write(dir, "ckpt");
        editIndex(b -> java.util.Arrays.fill(b, b.length - 48, b.length - 8, (byte) 0xff));
        assertError(prefix, "ckpt.index", "bad varint", "footer");
    }

    @Test
    void badVarintInsideAnEntry() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("w", new long[]{1}, 1f).rawEntryOverride = new byte[]{0x20, (byte) 0xff};
        assertError(f.write(dir, "ckpt"), "ckpt.index", "tensor w", "varint");
    }

    @Test
    void missingShard() throws IOException {
        BundleFixture f = new BundleFixture();
        f.numShards = 2;
        f.add("a", new long[]{1}, 1f);
        f.add("b", new long[]{1}, 2f).shard = 1;
        Path prefix = f.write(dir, "ckpt");
        Files.delete(dir.resolve("ckpt.data-00001-of-00002"));
        assertError(prefix, "ckpt.data-00001-of-00002", "missing data shard");
    }

    @Test
    void shardIdBeyondHeader() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("a", new long[]{1}, 1f).shard = 0;
        f.add("b", new long[]{1}, 2f).shard = 0;
        f.tensors.get(1).rawEntryOverride = null;
        Path prefix = f.write(dir, "ckpt");
        // rewrite with an entry that names shard 4 of a 1-shard bundle
        BundleFixture g = new BundleFixture();
        g.add("a", new long[]{1}, 1f);
        BundleFixture.Proto p = new BundleFixture.Proto();
        p.varintField(1, 1);
        p.varintField(3, 4);
        p.varintField(5, 4);
        g.add("b", new long[]{1}, 2f).rawEntryOverride = p.bytes();
        assertError(g.write(dir, "ckpt2"), "ckpt2.index", "tensor b", "shard 4");
        assertNotNull(prefix);
    }

    @Test
    void bytesOutsideTheShard() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("a", new long[]{2}, 1f, 2f).offsetOverride = 4L;
        assertError(f.write(dir, "ckpt"), "ckpt.index", "tensor a", "outside the data shard");
    }

    @Test
    void shapeDisagreesWithSize() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("a", new long[]{3}, 1f, 2f);
        assertError(f.write(dir, "ckpt"), "tensor a", "8 bytes stored", "needs 12");
    }

    @Test
    void unsupportedDtypeIsListedAndRefusedByName() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("w", new long[]{1}, 1f);
        BundleFixture.Tensor s = f.add("_CHECKPOINTABLE_OBJECT_GRAPH", new long[]{});
        s.dtype = 7;
        s.bytes = new byte[]{3, 'a', 'b', 'c'};
        try (TensorBundle b = TensorBundle.open(f.write(dir, "ckpt"))) {
            assertEquals(List.of("w"), b.names());
            assertEquals("DT_STRING", b.unsupported().get("_CHECKPOINTABLE_OBJECT_GRAPH"));
            WeightsException e = assertThrows(WeightsException.class, () -> b.raw("_CHECKPOINTABLE_OBJECT_GRAPH"));
            assertTrue(e.getMessage().contains("DT_STRING") && e.getMessage().contains("does not support"), e.getMessage());
        }
    }

    @Test
    void slicedVariablesAreRefused() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("part", new long[]{1}, 1f).sliced = true;
        assertError(f.write(dir, "ckpt"), "tensor part", "sliced", "not supported");
    }

    @Test
    void snappyBlocksAreRefusedClearly() throws IOException {
        BundleFixture f = new BundleFixture();
        f.compression = 1;
        f.add("w", new long[]{1}, 1f);
        assertError(f.write(dir, "ckpt"), "ckpt.index", "Snappy");
    }

    @Test
    void bigEndianBundlesAreRefused() throws IOException {
        BundleFixture f = new BundleFixture();
        f.endianness = 1;
        f.add("w", new long[]{1}, 1f);
        assertError(f.write(dir, "ckpt"), "ckpt.index", "big-endian");
    }

    @Test
    void missingIndexAndUnknownTensor() throws IOException {
        assertError(dir.resolve("nothing"), "nothing.index", "no such file");
        try (TensorBundle b = TensorBundle.open(new BundleFixtureBuilder().one().write(dir, "ckpt"))) {
            WeightsException e = assertThrows(WeightsException.class, () -> b.info("nope"));
            assertTrue(e.getMessage().contains("no tensor named nope"), e.getMessage());
        }
    }

    private void editIndex(java.util.function.Consumer<byte[]> edit) throws IOException {
        Path index = dir.resolve("ckpt.index");
        byte[] b = Files.readAllBytes(index);
        edit.accept(b);
        Files.write(index, b);
    }

    private static void assertError(Path prefix, String... fragments) {
        WeightsException e = assertThrows(WeightsException.class, () -> TensorBundle.open(prefix).close());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
        assertFalse(e.getMessage().contains("\n"), "one sentence, one line");
    }

    private interface Put {
        void put(ByteBuffer b, float v);
    }

    private static byte[] le(int width, float[] values, Put put) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) put.put(b, v);
        return b.array();
    }

    /** A one-tensor bundle. */
    private static final class BundleFixtureBuilder {
        BundleFixture one() {
            BundleFixture f = new BundleFixture();
            f.add("w", new long[]{2}, 0.5f, -1f);
            return f;
        }
    }
}
