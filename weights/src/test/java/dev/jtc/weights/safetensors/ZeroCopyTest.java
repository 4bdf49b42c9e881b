package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensors are views of the mapping, and big tensors go to disk without passing through the Java heap. */
class ZeroCopyTest {

    /** 320 MiB: far more than the 64 MiB heap the writer runs with below. */
    private static final long BIG_FLOATS = 80L << 20;

    @TempDir
    Path dir;

    @Test
    void rawAndF32AreTheMappedBytes() {
        Path file = dir.resolve("small.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4 * 1024);
            for (int i = 0; i < 1024; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
            SafetensorsWriter.write(file, Map.of(), List.of(new SafetensorsWriter.Entry("w", DType.F32, new long[] {32, 32}, data)));
        }
        MemorySegment kept;
        try (SafetensorsFile st = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment a = st.raw("w");
            MemorySegment b = st.raw("w");
            assertTrue(a.isMapped(), "raw() is a view of the file mapping");
            assertTrue(a.isNative());
            assertTrue(a.isReadOnly(), "nobody can write through a tensor into the checkpoint");
            assertEquals(a.address(), b.address(), "two raw() calls see the same memory");
            assertEquals(a.address(), st.f32("w", arena).address(), "F32 needs no conversion, so f32() copies nothing");
            assertEquals(511.5f, a.getAtIndex(ValueLayout.JAVA_FLOAT, 1023));
            kept = a;
        }
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 0),
                "segments die with the file: no use after unmap");
    }

    @Test
    void bigTensorIsWrittenAndMappedWithoutTheHeap() throws Exception {
        Path file = dir.resolve("big.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                BigTensorWriter.class.getName(), file.toString(), Long.toString(BIG_FLOATS)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the writer process finishes");
        assertEquals(0, p.exitValue(), "writing 320 MiB with a 64 MiB heap succeeds: " + output);
        try {
            long header = headerLength(file);
            assertEquals(0, (8 + header) % 8, "data section is 8-byte aligned");
            assertEquals(8 + header + BIG_FLOATS * 4, Files.size(file), "file is length field, header and data");
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                MemorySegment big = st.raw("big");
                assertTrue(big.isMapped());
                assertEquals(BIG_FLOATS * 4, big.byteSize());
                for (long i : new long[] {0, 1, BIG_FLOATS / 2, BIG_FLOATS - 1}) {
                    assertEquals((float) (i % 1000), big.getAtIndex(ValueLayout.JAVA_FLOAT, i), "element " + i);
                }
                assertEquals(big.address(), st.raw("big").address());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long headerLength(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined(); var ch = java.nio.channels.FileChannel.open(file)) {
            return ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, 8, arena).get(SafetensorsFile.LONG_LE, 0);
        }
    }

    /** Entry point of the small-heap writer process. */
    static final class BigTensorWriter {
        public static void main(String[] args) {
            Path file = Path.of(args[0]);
            long n = Long.parseLong(args[1]);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(n * 4, 64);
                for (long i = 0; i < n; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (i % 1000));
                SafetensorsWriter.write(file, Map.of("note", "big"), List.of(
                        new SafetensorsWriter.Entry("big", DType.F32, new long[] {n / 1024, 1024}, data)));
            }
        }
    }
}
