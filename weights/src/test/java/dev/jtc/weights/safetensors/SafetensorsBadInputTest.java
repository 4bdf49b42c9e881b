package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import dev.jtc.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.jtc.weights.safetensors.CraftedFiles.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per defect a file can have; each message must name the file and say what is wrong. */
class SafetensorsBadInputTest {

    @TempDir
    Path dir;

    /** Opens {@code content} as bad.safetensors and returns the message, checking it names the file and is one line. */
    private String rejection(byte[] content, String... expectedPhrases) throws Exception {
        Path file = CraftedFiles.write(dir, "bad.safetensors", content);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file).close());
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), "message names the file: " + m);
        assertFalse(m.contains("\n"), "message is one line: " + m);
        assertTrue(m.endsWith("."), "message is a sentence: " + m);
        for (String phrase : expectedPhrases) {
            assertTrue(m.contains(phrase), "message mentions \"" + phrase + "\": " + m);
        }
        return m;
    }

    private String rejection(String json, int dataBytes, String... expectedPhrases) throws Exception {
        return rejection(CraftedFiles.bytes(json, dataBytes), expectedPhrases);
    }

    @Test
    void emptyFile() throws Exception {
        rejection(new byte[0], "0 bytes", "8-byte header length");
    }

    @Test
    void fileShorterThanTheLengthField() throws Exception {
        rejection(new byte[7], "7 bytes", "8-byte header length");
    }

    @Test
    void headerLengthPastEndOfFile() throws Exception {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        rejection(CraftedFiles.bytes(3, header, 0), "header length 3", "past the end", "only 2 bytes");
    }

    @Test
    void headerLengthAboveTheFormatLimit() throws Exception {
        rejection(CraftedFiles.bytes(100_000_001L, "{}".getBytes(StandardCharsets.UTF_8), 0),
                "100000001", "limit of 100000000");
    }

    @Test
    void headerLengthWithTheTopBitSetIsTreatedAsUnsigned() throws Exception {
        rejection(CraftedFiles.bytes(-1L, "{}".getBytes(StandardCharsets.UTF_8), 0), "18446744073709551615");
    }

    @Test
    void headerNotUtf8() throws Exception {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        rejection(CraftedFiles.bytes(header.length, header, 0), "not valid UTF-8");
    }

    @Test
    void headerNotJson() throws Exception {
        rejection("{\"a\": {\"dtype\": F32}}", 0, "not valid JSON", "line 1");
    }

    @Test
    void headerTruncatedJson() throws Exception {
        rejection("{\"a\": {\"dtype\": \"F32\"", 0, "not valid JSON");
    }

    @Test
    void headerJsonFollowedByGarbage() throws Exception {
        rejection("{} x", 0, "not valid JSON");
    }

    @Test
    void headerNotAnObject() throws Exception {
        rejection("[1, 2]", 0, "not a JSON object", "an array");
        rejection("\"text\"", 0, "not a JSON object", "a string");
        rejection("   ", 0, "not a JSON object", "empty");
    }

    @Test
    void entryNotAnObject() throws Exception {
        rejection("{\"w\": [1, 2]}", 0, "tensor \"w\"", "an array", "expected an object");
    }

    @Test
    void entryMissingDtype() throws Exception {
        rejection("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "tensor \"w\"", "lacks the field \"dtype\"");
    }

    @Test
    void entryMissingShape() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4, "tensor \"w\"", "lacks the field \"shape\"");
    }

    @Test
    void entryMissingDataOffsets() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4, "tensor \"w\"", "lacks the field \"data_offsets\"");
    }

    @Test
    void dtypeNotAString() throws Exception {
        rejection("{\"w\": {\"dtype\": 4, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "tensor \"w\"", "\"dtype\"", "a number");
    }

    @Test
    void shapeNotAnArray() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": \"1\", \"data_offsets\": [0, 4]}}", 4, "tensor \"w\"", "\"shape\"", "a string");
    }

    @Test
    void shapeElementNotAnInteger() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", 4, "tensor \"w\"", "non-integer 1.5");
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [\"2\"], \"data_offsets\": [0, 8]}}", 8, "tensor \"w\"", "a string");
    }

    @Test
    void dimensionTooLargeForALong() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [99999999999999999999], \"data_offsets\": [0, 4]}}", 4,
                "tensor \"w\"", "does not fit in 64 bits");
    }

    @Test
    void unknownDtype() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F24\", \"shape\": [1], \"data_offsets\": [0, 3]}}", 3, "tensor \"w\"", "unknown dtype \"F24\"");
    }

    @Test
    void negativeDimension() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, -1], \"data_offsets\": [0, 0]}}", 0, "tensor \"w\"", "negative dimension -1");
    }

    @Test
    void dataOffsetsNotAPair() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}", 8, "tensor \"w\"", "3 elements",
                "[begin, end]");
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": 4}}", 4, "tensor \"w\"", "\"data_offsets\"", "a number");
    }

    @Test
    void negativeOffset() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", 4, "tensor \"w\"", "negative offset -4");
    }

    @Test
    void offsetsEndBeforeTheyBegin() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 0]}}", 4, "tensor \"w\"", "[4, 0]",
                "begin <= end");
    }

    @Test
    void offsetsOutsideTheDataSection() throws Exception {
        rejection("{" + f32("w", "[2]", 0, 8) + "}", 4, "tensor \"w\"", "[0, 8]", "outside the data section", "4 bytes");
        rejection("{" + f32("w", "[0]", 9, 9) + "}", 8, "tensor \"w\"", "outside the data section");
    }

    @Test
    void shapeDisagreesWithByteSpan() throws Exception {
        rejection("{" + f32("w", "[2, 3]", 0, 20) + "}", 20, "tensor \"w\"", "[2, 3]", "needs 24 bytes", "span 20");
    }

    @Test
    void shapeProductOverflows() throws Exception {
        rejection("{" + f32("w", "[4294967296, 4294967296]", 0, 4) + "}", 4, "tensor \"w\"", "overflows");
        // Element count fits, byte count (x4) does not.
        rejection("{" + f32("w", "[4611686018427387904]", 0, 4) + "}", 4, "tensor \"w\"", "overflows");
    }

    @Test
    void overlappingTensors() throws Exception {
        rejection("{" + f32("a", "[2]", 0, 8) + "," + f32("b", "[2]", 4, 12) + "}", 12, "\"a\"", "\"b\"", "overlap");
        rejection("{" + f32("a", "[2]", 0, 8) + "," + f32("same", "[2]", 0, 8) + "}", 8, "overlap");
        // A zero-size tensor placed inside another one is an overlap too (the Rust crate agrees).
        rejection("{" + f32("a", "[2]", 0, 8) + "," + f32("z", "[0]", 4, 4) + "}", 8, "\"z\"", "overlap");
    }

    @Test
    void duplicateTensorName() throws Exception {
        rejection("{" + f32("w", "[1]", 0, 4) + "," + f32("w", "[1]", 4, 8) + "}", 8, "repeats a key", "'w'", "only once");
    }

    @Test
    void duplicateFieldInsideAnEntry() throws Exception {
        rejection("{\"w\": {\"dtype\": \"F32\", \"dtype\": \"F16\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4,
                "repeats a key", "'dtype'");
    }

    @Test
    void holeBetweenTensors() throws Exception {
        rejection("{" + f32("a", "[1]", 0, 4) + "," + f32("b", "[1]", 8, 12) + "}", 12, "bytes [4, 8)", "hole before \"b\"");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws Exception {
        rejection("{" + f32("a", "[1]", 0, 4) + "}", 10, "holds 10 bytes", "cover only 4", "6 trailing bytes");
    }

    @Test
    void metadataNotAnObject() throws Exception {
        rejection("{\"__metadata__\": [\"x\"]}", 0, "\"__metadata__\"", "an array");
    }

    @Test
    void metadataValueNotAString() throws Exception {
        rejection("{\"__metadata__\": {\"step\": 3}}", 0, "\"__metadata__\" entry \"step\"", "must be a string", "a number");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.safetensors");
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertEquals(file + ": no such file.", e.getMessage());
    }

    @Test
    void directoryInsteadOfFile() {
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(dir));
        assertEquals(dir + ": is a directory, not a safetensors file.", e.getMessage());
    }

    @Test
    void emptyHeaderAndNullMetadataAreValid() throws Exception {
        Path file = CraftedFiles.write(dir, "ok.safetensors", CraftedFiles.bytes("{\"__metadata__\": null}  ", 0));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(List.of(), st.names());
            assertEquals(Map.of(), st.metadata());
        }
    }

    @Test
    void misuseOfAValidFileIsNamed() throws Exception {
        String json = "{\"ids\": {\"dtype\": \"I64\", \"shape\": [1], \"data_offsets\": [0, 8]}}";
        Path file = CraftedFiles.write(dir, "ok.safetensors", CraftedFiles.bytes(json, 8));
        try (SafetensorsFile st = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
            WeightsException absent = assertThrows(WeightsException.class, () -> st.raw("nope"));
            assertTrue(absent.getMessage().startsWith(file + ": there is no tensor named \"nope\""), absent.getMessage());
            WeightsException notFloat = assertThrows(WeightsException.class, () -> st.f32("ids", arena));
            assertTrue(notFloat.getMessage().contains("dtype I64, which is not a floating-point type"), notFloat.getMessage());
            WeightsException wrongInts = assertThrows(WeightsException.class, () -> st.ints("ids"));
            assertTrue(wrongInts.getMessage().contains("has dtype I64, not I32"), wrongInts.getMessage());
            assertEquals(0x5A5A5A5A5A5A5A5AL, st.longs("ids")[0]);
        }
    }

    @Test
    void writerRejectsBadEntries() throws Exception {
        Path file = dir.resolve("out.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment eight = arena.allocate(8);
            var sizeMismatch = new SafetensorsWriter.Entry("w", DType.F32, new long[] {3}, eight);
            assertWriterRejects(file, List.of(sizeMismatch), "tensor \"w\"", "needs 12 bytes", "holds 8");
            var a = new SafetensorsWriter.Entry("w", DType.F32, new long[] {2}, eight);
            assertWriterRejects(file, List.of(a, a), "tensor \"w\"", "appears twice");
            var negative = new SafetensorsWriter.Entry("n", DType.F32, new long[] {-2}, eight);
            assertWriterRejects(file, List.of(negative), "tensor \"n\"", "negative dimension");
            var reserved = new SafetensorsWriter.Entry("__metadata__", DType.F32, new long[] {2}, eight);
            assertWriterRejects(file, List.of(reserved), "reserved");
            var huge = new SafetensorsWriter.Entry("h", DType.F32, new long[] {1L << 62, 4}, eight);
            assertWriterRejects(file, List.of(huge), "overflows");
        }
        assertFalse(Files.exists(file), "nothing is written when an entry is bad");
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "no temporary file is left behind");
        }
    }

    private static void assertWriterRejects(Path file, List<SafetensorsWriter.Entry> entries, String... phrases) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.write(file, Map.of(), entries));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String p : phrases) assertTrue(e.getMessage().contains(p), "mentions \"" + p + "\": " + e.getMessage());
    }

    @Test
    void writerIntoMissingDirectoryIsNamed() {
        Path file = dir.resolve("no/such/dir/out.safetensors");
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsWriter.write(file, Map.of(), List.of()));
        assertTrue(e.getMessage().startsWith(file + ": cannot create a temporary file"), e.getMessage());
    }
}
