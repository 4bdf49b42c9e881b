package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.WeightsException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever the bytes, opening a file either succeeds with every tensor readable inside the
 * mapping, or fails with a {@link WeightsException} naming the file; no other exception.
 */
class SafetensorsFuzzTest {

    private static Path dir;
    private static Path file;

    /** A valid file with metadata, several dtypes, a scalar and a zero-size tensor, data 8-byte aligned. */
    private static final byte[] VALID = validFile();

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("safetensors-fuzz");
        file = dir.resolve("fuzz.safetensors");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Property(tries = 1000)
    void arbitraryBytes(@ForAll @Size(max = 120) byte[] content) throws IOException {
        Statistics.collect(openOrReject(content));
    }

    @Property(tries = 1000)
    void arbitraryBytesAfterAPlausibleLength(@ForAll @Size(max = 120) byte[] header, @ForAll @IntRange(max = 40) int data)
            throws IOException {
        Statistics.collect(openOrReject(CraftedFiles.bytes(header.length, header, data)));
    }

    @Property(tries = 1500)
    void structuredButWrongHeaders(@ForAll("headers") String json, @ForAll @IntRange(max = 40) int data) throws IOException {
        Statistics.collect(openOrReject(CraftedFiles.bytes(json, data)));
    }

    @Property(tries = 2500)
    void mutationsOfAValidFile(@ForAll("mutated") byte[] content) throws IOException {
        String outcome = openOrReject(content);
        Statistics.collect(outcome);
        Statistics.coverage(c -> {
            c.check("opened").count(n -> n > 0);
            c.check("rejected").count(n -> n > 0);
        });
    }

    /** Writes and opens {@code content}; returns "opened" or "rejected", letting any other exception fail the try. */
    private static String openOrReject(byte[] content) throws IOException {
        Files.write(file, content);
        try (SafetensorsFile st = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
            long total = 0;
            for (String name : st.names()) {
                TensorInfo info = st.info(name);
                MemorySegment raw = st.raw(name);
                assertEquals(info.byteSize(), raw.byteSize(), name);
                if (raw.byteSize() > 0) {
                    raw.get(ValueLayout.JAVA_BYTE, 0);
                    raw.get(ValueLayout.JAVA_BYTE, raw.byteSize() - 1);
                }
                DType t = info.dtype();
                if (t == DType.F32 || t == DType.F16 || t == DType.BF16 || t == DType.F64) {
                    assertEquals(info.elementCount() * 4, st.f32(name, arena).byteSize(), name);
                }
                total += raw.byteSize();
            }
            assertTrue(total <= content.length, "tensors fit in the file");
            return "opened";
        } catch (WeightsException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
            return "rejected";
        }
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> dtype = Arbitraries.of("\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"U8\"", "\"F8\"", "4", "null");
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.integers().between(-2, 24).map(String::valueOf),
                Arbitraries.of("1.5", "1e2", "99999999999999999999", "4294967296", "9223372036854775807", "-0", "\"3\""));
        Arbitrary<String> array = number.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> entry = Combinators.combine(Arbitraries.of("a", "b", "c", "__metadata__"), dtype, array, array,
                Arbitraries.integers().between(0, 5)).as((name, dt, shape, offsets, omit) ->
                "\"" + name + "\":{" + String.join(",", dropOne(List.of("\"dtype\":" + dt, "\"shape\":" + shape,
                        "\"data_offsets\":" + offsets), omit)) + "}");
        return entry.list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
    }

    /** All fields, or all but one when {@code which} is 0..2. */
    private static List<String> dropOne(List<String> fields, int which) {
        List<String> out = new ArrayList<>(fields);
        if (which < out.size()) out.remove(which);
        return out;
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        int headerEnd = 8 + (int) ByteBuffer.wrap(VALID).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        List<Integer> digits = new ArrayList<>();
        for (int i = 8; i < headerEnd; i++) if (Character.isDigit(VALID[i])) digits.add(i);

        Arbitrary<UnaryOperator<byte[]>> bitFlip = Combinators.combine(
                Arbitraries.integers().between(0, VALID.length - 1), Arbitraries.integers().between(0, 7))
                .as((at, bit) -> b -> {
                    if (b.length > 0) b[at % b.length] ^= (byte) (1 << bit);
                    return b;
                });
        Arbitrary<UnaryOperator<byte[]>> digitEdit = Combinators.combine(
                Arbitraries.of(digits), Arbitraries.of('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '.', 'e', ' '))
                .as((at, c) -> b -> {
                    if (at < b.length) b[at] = (byte) c.charValue();
                    return b;
                });
        Arbitrary<UnaryOperator<byte[]>> truncate = Arbitraries.integers().between(0, VALID.length)
                .map(n -> b -> Arrays.copyOf(b, Math.min(n, b.length)));
        Arbitrary<UnaryOperator<byte[]>> extend = Arbitraries.integers().between(1, 16)
                .map(n -> b -> Arrays.copyOf(b, b.length + n));
        Arbitrary<UnaryOperator<byte[]>> lengthField = Arbitraries.oneOf(
                Arbitraries.longs().between(headerEnd - 8 - 24, headerEnd - 8 + 24),
                Arbitraries.longs(),
                Arbitraries.of(0L, 100_000_000L, 100_000_001L, Long.MAX_VALUE, Long.MIN_VALUE, -8L))
                .map(len -> b -> {
                    if (b.length >= 8) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
                    return b;
                });
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, bitFlip), net.jqwik.api.Tuple.of(4, digitEdit), net.jqwik.api.Tuple.of(1, truncate),
                        net.jqwik.api.Tuple.of(1, extend), net.jqwik.api.Tuple.of(2, lengthField))
                .list().ofMinSize(1).ofMaxSize(3)
                .map(ops -> {
                    byte[] b = VALID.clone();
                    for (UnaryOperator<byte[]> op : ops) b = op.apply(b);
                    return b;
                });
    }

    private static byte[] validFile() {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[24,34]},"
                + "\"s\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[34,36]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[36,36]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[36,44]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[44,60]}}";
        byte[] header = (json + " ".repeat((8 - (8 + json.length()) % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        return CraftedFiles.bytes(header.length, header, 60);
    }
}
