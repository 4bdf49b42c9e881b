package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import dev.jtc.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A two-shard checkpoint with its index, as Hugging Face writes them, and what can go wrong with one. */
class ShardedSafetensorsTest {

    @TempDir
    Path dir;

    private static final String INDEX = """
            {
              "metadata": {"total_size": 40, "format": "pt"},
              "weight_map": {
                "h.0.w": "model-00001-of-00002.safetensors",
                "h.1.w": "model-00002-of-00002.safetensors",
                "h.0.b": "model-00001-of-00002.safetensors",
                "ln_f.w": "model-00002-of-00002.safetensors"
              }
            }
            """;

    /** Writes both shards; each float's value is its tensor's number times 100 plus its index. */
    private void writeShards(Arena arena) {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("format", "pt"), List.of(
                entry(arena, "h.0.w", 1, 2, 2),
                entry(arena, "h.0.b", 2, 2),
                entry(arena, "unlisted", 9, 1)));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of(), List.of(
                entry(arena, "ln_f.w", 4, 2),
                entry(arena, "h.1.w", 3, 2, 2)));
    }

    private static SafetensorsWriter.Entry entry(Arena arena, String name, int id, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        MemorySegment s = arena.allocate(n * 4);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, id * 100 + i);
        return new SafetensorsWriter.Entry(name, DType.F32, shape, s);
    }

    private Path index(String json) throws Exception {
        Path p = dir.resolve("model.safetensors.index.json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void roundTripThroughTwoShards() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            writeShards(arena);
            try (ShardedSafetensors st = ShardedSafetensors.open(index(INDEX))) {
                assertEquals(List.of("h.0.w", "h.0.b", "ln_f.w", "h.1.w"), st.names(), "shard order, then storage order");
                assertEquals(Map.of("total_size", "40", "format", "pt"), st.metadata());
                assertEquals(2, st.shards().size(), "each shard opened once");
                assertFalse(st.contains("unlisted"), "the index is the authority on which tensors exist");
                assertArrayEquals(new long[] {2, 2}, st.info("h.1.w").shape());
                assertArrayEquals(new float[] {300, 301, 302, 303}, st.f32("h.1.w", arena).toArray(ValueLayout.JAVA_FLOAT));
                assertArrayEquals(new float[] {200, 201}, st.raw("h.0.b").toArray(ValueLayout.JAVA_FLOAT));
                assertArrayEquals(new float[] {400, 401}, st.f32("ln_f.w", arena).toArray(ValueLayout.JAVA_FLOAT));
                WeightsException absent = assertThrows(WeightsException.class, () -> st.raw("unlisted"));
                assertTrue(absent.getMessage().contains("lists no tensor named \"unlisted\""), absent.getMessage());
            }
        }
    }

    @Test
    void missingShardIsNamed() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            writeShards(arena);
        }
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        Path index = index(INDEX);
        WeightsException e = assertThrows(WeightsException.class, () -> ShardedSafetensors.open(index));
        assertTrue(e.getMessage().startsWith(index + ": shard \"model-00002-of-00002.safetensors\""), e.getMessage());
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void tensorListedButAbsentFromItsShard() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            writeShards(arena);
        }
        Path index = index(INDEX.replace("\"h.1.w\": \"model-00002", "\"h.1.w\": \"model-00001"));
        WeightsException e = assertThrows(WeightsException.class, () -> ShardedSafetensors.open(index));
        assertEquals(index + ": the index puts tensor \"h.1.w\" in shard \"model-00001-of-00002.safetensors\", which does "
                + "not contain it.", e.getMessage());
    }

    @Test
    void badIndexFilesAreNamed() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            writeShards(arena);
        }
        assertIndexRejected("{\"metadata\": {}}", "lacks \"weight_map\"");
        assertIndexRejected("{\"weight_map\": [\"a\"]}", "\"weight_map\" is an array");
        assertIndexRejected("{\"weight_map\": {\"a\": 3}}", "maps tensor \"a\" to a number");
        assertIndexRejected("{\"weight_map\": {}, \"weight_map\": {}}", "repeats a key");
        assertIndexRejected("{\"weight_map\": {\"a\": \"../outside.safetensors\"}}", "inside the index's directory");
        assertIndexRejected("{\"weight_map\": {\"a\": \"/etc/passwd\"}}", "inside the index's directory");
        assertIndexRejected("not json", "not valid JSON");
        assertIndexRejected("{\"metadata\": 3, \"weight_map\": {}}", "\"metadata\" is a number");
        Path missing = dir.resolve("absent.index.json");
        WeightsException e = assertThrows(WeightsException.class, () -> ShardedSafetensors.open(missing));
        assertEquals(missing + ": no such shard index file.", e.getMessage());
    }

    private void assertIndexRejected(String json, String phrase) throws Exception {
        Path index = index(json);
        WeightsException e = assertThrows(WeightsException.class, () -> ShardedSafetensors.open(index));
        assertTrue(e.getMessage().startsWith(index.toString()), "names the index: " + e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "mentions \"" + phrase + "\": " + e.getMessage());
    }

    @Test
    void aBrokenShardIsNamedAndTheOthersAreClosed() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            writeShards(arena);
        }
        Path second = dir.resolve("model-00002-of-00002.safetensors");
        Files.write(second, new byte[] {1, 2, 3});
        WeightsException e = assertThrows(WeightsException.class, () -> ShardedSafetensors.open(index(INDEX)));
        assertTrue(e.getMessage().startsWith(second + ": the file has 3 bytes"), e.getMessage());
    }
}
