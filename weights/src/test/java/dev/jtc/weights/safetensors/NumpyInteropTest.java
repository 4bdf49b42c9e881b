package dev.jtc.weights.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Both directions against the independent numpy script: its files through our reader, our files through its reader. */
class NumpyInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void filesWrittenByNumpyReadBitExactly() throws Exception {
        PythonReference.assumeAvailable();
        JsonNode written = JSON.readTree(PythonReference.run("write", dir.toString(), "20261127"));
        assertEquals(2, written.get("files").size(), "the script writes a padded and an unpadded sample");
        for (JsonNode stem : written.get("files")) {
            Path file = dir.resolve(stem.asText() + ".safetensors");
            JsonNode expected = JSON.readTree(dir.resolve(stem.asText() + ".expected.json").toFile());
            try (SafetensorsFile st = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
                checkAgainst(expected, st, arena);
            }
        }
    }

    private static void checkAgainst(JsonNode expected, SafetensorsFile st, Arena arena) throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        expected.get("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        assertEquals(metadata, st.metadata(), st.origin() + ": metadata");
        assertEquals(expected.get("tensors").size(), st.names().size(), st.origin() + ": tensor count");
        assertEquals(st.names().size(), new HashSet<>(st.names()).size(), "names are unique");

        long lastAddress = -1;
        for (String name : st.names()) { // storage order: strictly increasing addresses, zero-size spans aside
            MemorySegment raw = st.raw(name);
            assertTrue(raw.address() >= lastAddress, name + " comes after its predecessor in the file");
            lastAddress = raw.address() + raw.byteSize();
        }

        for (JsonNode t : expected.get("tensors")) {
            String name = t.get("name").asText();
            String where = st.origin() + " tensor " + name;
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
            DType dtype = DType.valueOf(t.get("dtype").asText());
            assertEquals(new TensorInfo(name, dtype, shape), st.info(name), where);

            byte[] raw = Files.readAllBytes(Path.of(t.get("raw").asText()));
            assertArrayEquals(raw, st.raw(name).toArray(ValueLayout.JAVA_BYTE), where + ": stored bytes");

            if (!t.get("f32").isNull()) {
                int[] want = MemorySegment.ofArray(Files.readAllBytes(Path.of(t.get("f32").asText()))).toArray(INT_LE);
                MemorySegment f32 = st.f32(name, arena);
                int[] got = f32.toArray(INT_LE);
                assertEquals(want.length, got.length, where + ": element count");
                for (int i = 0; i < want.length; i++) {
                    if (want[i] != got[i]) {
                        fail(where + " element " + i + ": numpy float32 bits 0x" + Integer.toHexString(want[i])
                                + ", ours 0x" + Integer.toHexString(got[i]));
                    }
                }
                assertEquals(0, f32.address() % Float.BYTES, where + ": f32() is aligned for float access");
                if (dtype == DType.F32 && st.raw(name).address() % Float.BYTES == 0) {
                    assertEquals(st.raw(name).address(), f32.address(), where + ": aligned F32 is returned without a copy");
                }
            }
            if (!t.get("ints").isNull()) {
                long[] want = new long[t.get("ints").size()];
                for (int i = 0; i < want.length; i++) want[i] = t.get("ints").get(i).asLong();
                if (dtype == DType.I64) {
                    assertArrayEquals(want, st.longs(name), where);
                } else {
                    int[] got = st.ints(name);
                    assertEquals(want.length, got.length, where);
                    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], where + " element " + i);
                }
            }
        }
    }

    @Test
    void filesWrittenByUsAreReadBitIdenticallyByNumpy() throws Exception {
        PythonReference.assumeAvailable();
        Random random = new Random(42);
        try (Arena arena = Arena.ofConfined()) {
            // Metadata of growing length walks the header through every padding amount 0..7.
            for (int pad = 0; pad < 8; pad++) {
                List<SafetensorsWriter.Entry> tensors = sampleTensors(random, arena);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put("format", "pt");
                metadata.put("padding probe ζ", "x".repeat(pad));
                Path file = dir.resolve("ours-" + pad + ".safetensors");
                SafetensorsWriter.write(file, metadata, tensors);

                JsonNode summary = JSON.readTree(PythonReference.run("read", file.toString()));
                assertEquals(0, summary.get("data_start").asLong() % 8, file + ": data section is 8-byte aligned");
                Map<String, String> readMetadata = new LinkedHashMap<>();
                summary.get("metadata").properties().forEach(e -> readMetadata.put(e.getKey(), e.getValue().asText()));
                assertEquals(metadata, readMetadata, file + ": metadata");

                List<String> order = new ArrayList<>();
                summary.get("order").forEach(n -> order.add(n.asText()));
                assertEquals(tensors.stream().map(SafetensorsWriter.Entry::name).toList(), order,
                        file + ": tensors are stored in the given order");
                for (SafetensorsWriter.Entry t : tensors) {
                    JsonNode s = summary.get("tensors").get(t.name());
                    assertEquals(t.dtype().name(), s.get("dtype").asText(), t.name());
                    long[] shape = new long[s.get("shape").size()];
                    for (int i = 0; i < shape.length; i++) shape[i] = s.get("shape").get(i).asLong();
                    assertArrayEquals(t.shape(), shape, t.name());
                    assertEquals(sha256(t.data()), s.get("sha256").asText(), t.name() + ": bytes identical");
                }
                assertEquals(List.of(), leftoverTempFiles(), "no temporary file is left behind");
            }
        }
    }

    private List<Path> leftoverTempFiles() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    static List<SafetensorsWriter.Entry> sampleTensors(Random random, Arena arena) {
        List<SafetensorsWriter.Entry> out = new ArrayList<>();
        out.add(new SafetensorsWriter.Entry("h.0.attn.c_attn.weight", DType.F32, new long[] {13, 7}, randomBytes(random, arena, 13 * 7 * 4)));
        out.add(new SafetensorsWriter.Entry("odd.f16", DType.F16, new long[] {3}, randomBytes(random, arena, 6)));
        out.add(new SafetensorsWriter.Entry("scalar", DType.F32, new long[] {}, randomBytes(random, arena, 4)));
        out.add(new SafetensorsWriter.Entry("empty", DType.F32, new long[] {0, 3}, arena.allocate(0)));
        out.add(new SafetensorsWriter.Entry("bf16", DType.BF16, new long[] {2, 5}, randomBytes(random, arena, 20)));
        out.add(new SafetensorsWriter.Entry("ids", DType.I64, new long[] {4}, randomBytes(random, arena, 32)));
        out.add(new SafetensorsWriter.Entry("f64", DType.F64, new long[] {1, 1, 3}, randomBytes(random, arena, 24)));
        float[] heap = new float[1000];
        for (int i = 0; i < heap.length; i++) heap[i] = (float) random.nextGaussian();
        // A heap segment over float[] has no ByteBuffer view: this exercises the writer's staging path.
        out.add(new SafetensorsWriter.Entry("heap.ζ \"quoted\\\"", DType.F32, new long[] {10, 100}, MemorySegment.ofArray(heap)));
        return out;
    }

    private static MemorySegment randomBytes(Random random, Arena arena, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        MemorySegment s = arena.allocate(n);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, n);
        return s;
    }

    private static String sha256(MemorySegment data) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data.toArray(ValueLayout.JAVA_BYTE));
        return HexFormat.of().formatHex(md.digest());
    }
}
