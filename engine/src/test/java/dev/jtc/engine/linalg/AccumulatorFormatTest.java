package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accumulator written with {@link TsqrAccumulator#writeTo} and read back in another JVM solves and merges to
 * the same bits as the one that was written, and a stream that is not one of its kind is refused; an accumulator
 * without rows takes what is merged into it as it is (the driver of a distributed fit starts from empty ones).
 */
class AccumulatorFormatTest {

    @Test
    void roundTripSolvesAndMergesToTheSameBits() throws IOException {
        Problem pr = Problem.random(31, 500, 40, 3, 20, 10, 1e-3, true);
        for (LeastSquaresOptions o : new LeastSquaresOptions[]{LeastSquaresOptions.paper(),
                new LeastSquaresOptions(Intercept.FITTED, 0.5, DataPrecision.FLOAT64)}) {
            // 333 rows leave 77 in the 128-row buffer: writeTo must fold them, as merge does.
            TsqrAccumulator original = accumulate(pr.slice(0, 333), o);
            TsqrAccumulator copy = roundTrip(original);
            assertEquals(original.rowCount(), copy.rowCount());
            assertSameSolution(original.solve(), copy.solve(), pr.targets());

            TsqrAccumulator later = accumulate(pr.slice(333, 500), o);
            TsqrAccumulator laterCopy = roundTrip(later);
            original.merge(later);
            copy.merge(laterCopy);
            assertSameSolution(original.solve(), copy.solve(), pr.targets());

            // A read accumulator still takes rows: the buffer it skipped comes with the first one.
            pr.slice(0, 50).addTo(original, 17);
            pr.slice(0, 50).addTo(copy, 17);
            assertSameSolution(original.solve(), copy.solve(), pr.targets());
        }
    }

    @Test
    void anEmptyAccumulatorTakesAMergeAsItIs() {
        Problem pr = Problem.random(34, 300, 30, 2, 15, 10, 1e-3, true);
        LeastSquaresOptions o = LeastSquaresOptions.paper();
        TsqrAccumulator rows = accumulate(pr, o);
        TsqrAccumulator empty = new TsqrAccumulator(pr.sourceWidth(), pr.targets(), pr.targetWidth(), o);
        empty.merge(rows);
        assertEquals(rows.rowCount(), empty.rowCount());
        assertSameSolution(rows.solve(), empty.solve(), pr.targets());
    }

    @Test
    void theFormatIsRawDoublesWithinItsAnnouncedSize() throws IOException {
        int d = 40, targets = 3, width = 20;
        LeastSquaresOptions o = LeastSquaresOptions.paper();
        byte[] bytes = write(accumulate(Problem.random(32, 100, d, targets, width, 10, 1e-3, true), o));
        long doubles = (long) d * (d + 1) / 2 + (long) d * targets * width + (long) targets * width;
        assertTrue(bytes.length >= doubles * Double.BYTES && bytes.length <= TsqrAccumulator.bytesWritten(d, targets, width, o),
                bytes.length + " bytes for " + doubles + " doubles");
    }

    @Test
    void anotherStreamIsRefused() throws IOException {
        byte[] bytes = write(accumulate(Problem.random(33, 60, 8, 1, 4, 10, 1e-3, true), LeastSquaresOptions.paper()));
        byte[] otherVersion = bytes.clone();
        otherVersion[7] = 9;
        IOException e = assertThrows(IOException.class, () -> read(otherVersion));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        assertThrows(EOFException.class, () -> read(Arrays.copyOf(bytes, bytes.length - 1)));
    }

    private static void assertSameSolution(LeastSquaresSolution a, LeastSquaresSolution b, int targets) {
        for (int t = 0; t < targets; t++) {
            assertArrayEquals(a.map(t), b.map(t), "target " + t);
            assertEquals(a.residualSumOfSquares(t), b.residualSumOfSquares(t), "target " + t);
        }
    }

    private static TsqrAccumulator accumulate(Problem part, LeastSquaresOptions o) {
        TsqrAccumulator acc = new TsqrAccumulator(part.sourceWidth(), part.targets(), part.targetWidth(), o);
        part.addTo(acc, 64);
        return acc;
    }

    private static TsqrAccumulator roundTrip(TsqrAccumulator a) throws IOException {
        return read(write(a));
    }

    private static byte[] write(TsqrAccumulator a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            a.writeTo(out);
        }
        return bytes.toByteArray();
    }

    private static TsqrAccumulator read(byte[] bytes) throws IOException {
        return TsqrAccumulator.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
