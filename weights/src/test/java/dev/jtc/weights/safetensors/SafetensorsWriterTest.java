package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layout and atomicity of what the writer produces, checked on the bytes themselves. */
class SafetensorsWriterTest {

    @TempDir
    Path dir;

    @Test
    void headerIsPaddedWithSpacesToAnAlignedDataSection() throws Exception {
        for (int extra = 0; extra < 8; extra++) {
            Path file = dir.resolve("f" + extra + ".safetensors");
            MemorySegment data = MemorySegment.ofArray(new float[] {1f, 2f});
            SafetensorsWriter.write(file, Map.of("k", "v".repeat(extra)),
                    List.of(new SafetensorsWriter.Entry("w", DType.F32, new long[] {2}, data)));
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
            assertEquals(8 + n + 8, bytes.length, "length field, header, 8 data bytes, nothing else");
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            String json = header.stripTrailing();
            assertTrue(json.endsWith("}") && header.substring(json.length()).chars().allMatch(c -> c == ' '),
                    "only spaces pad the header: [" + header + "]");
            assertTrue(n - json.length() < 8, "at most 7 padding spaces");
        }
    }

    @Test
    void writesSeveralHeapTensorsThroughTheStagingBuffer() throws Exception {
        Path file = dir.resolve("heap.safetensors");
        SafetensorsWriter.write(file, Map.of(), List.of(
                new SafetensorsWriter.Entry("a", DType.F32, new long[] {3}, MemorySegment.ofArray(new float[] {1f, 2f, 3f})),
                new SafetensorsWriter.Entry("b", DType.I32, new long[] {2}, MemorySegment.ofArray(new int[] {-4, 5}))));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new int[] {-4, 5}, f.ints("b"));
            assertEquals(3f, f.raw("a").getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 2));
        }
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporary() throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old contents");
        SafetensorsWriter.write(file, null, List.of(
                new SafetensorsWriter.Entry("a", DType.I32, new long[] {3}, MemorySegment.ofArray(new int[] {7, 8, 9}))));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertArrayEquals(new int[] {7, 8, 9}, st.ints("a"));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailureMidWriteKeepsTheOldFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old contents");
        Arena closed = Arena.ofConfined();
        MemorySegment gone = closed.allocate(8);
        closed.close();
        List<SafetensorsWriter.Entry> entries = List.of(
                new SafetensorsWriter.Entry("ok", DType.F32, new long[] {1}, MemorySegment.ofArray(new float[] {1f})),
                new SafetensorsWriter.Entry("gone", DType.F64, new long[] {1}, gone));
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(file, Map.of(), entries));
        assertEquals("old contents", Files.readString(file), "the old file is untouched");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the temporary file is removed");
        }
    }

    @Test
    void roundTripKeepsOrderValuesAndMetadata() {
        Path file = dir.resolve("rt.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment half = arena.allocate(4);
            half.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0x3c00); // 1.0
            half.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, 1, (short) 0xc000); // -2.0
            SafetensorsWriter.write(file, Map.of("format", "pt"), List.of(
                    new SafetensorsWriter.Entry("z", DType.F16, new long[] {2}, half),
                    new SafetensorsWriter.Entry("a", DType.I64, new long[] {}, MemorySegment.ofArray(new long[] {-5}))));
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                assertEquals(List.of("z", "a"), st.names());
                assertEquals(Map.of("format", "pt"), st.metadata());
                assertArrayEquals(new float[] {1f, -2f}, st.f32("z", arena).toArray(ValueLayout.JAVA_FLOAT));
                assertArrayEquals(new long[] {-5}, st.longs("a"));
            }
        }
    }
}
