package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 8-bit estimate and the exact column: the estimate is always within its proven bound of the matmul (also for
 * inputs chosen to make the quantization error as large as it can be), the bound is tight enough to be of use, the
 * estimate is the documented quantization's product (recomputed here in double from the weights), and a column
 * alone is the matmul's float, bit for bit.
 */
class QuantizedEstimateTest {

    private static final Arena ARENA = Arena.ofShared();
    private static final Kernels VECTOR = Kernels.vector(2);
    private static final Kernels ONE_THREAD = Kernels.vector(1);
    private static final Kernels SCALAR = Kernels.scalar();

    @AfterAll
    static void close() {
        VECTOR.close();
        ONE_THREAD.close();
        ARENA.close();
    }

    @ParameterizedTest(name = "k={0} n={1} {2} bias={3}")
    @CsvSource({"1,1,IN_OUT,true", "7,63,OUT_IN,false", "33,64,IN_OUT,true", "64,65,OUT_IN,true", "300,129,IN_OUT,false",
            "768,1000,OUT_IN,true", "767,4097,OUT_IN,true"})
    void estimatesStayWithinTheirBound(int k, int n, WeightLayout layout, boolean withBias) {
        MemorySegment w = Floats.random(ARENA, (long) k * n, 11 + k, 0.08);
        // A few outlier weights, as real embedding matrices have: they set a column's scale.
        SplittableRandom r = new SplittableRandom(k * 31L + n);
        for (int i = 0; i < n / 8 + 1; i++) w.setAtIndex(ValueLayout.JAVA_FLOAT, r.nextLong((long) k * n), (float) r.nextDouble(-1.5, 1.5));
        MemorySegment bias = withBias ? Floats.random(ARENA, n, 5 + n, 2.0) : null;
        for (Kernels kernels : new Kernels[]{VECTOR, SCALAR}) {
            PackedWeights packed = kernels.pack(w, k, n, layout, ARENA);
            QuantizedWeights q = kernels.quantize(packed, bias, ARENA);
            MemorySegment exact = ARENA.allocate((long) n * Float.BYTES), estimate = ARENA.allocate((long) n * Float.BYTES);
            double worst = 0, relativeBound = 0;
            for (int trial = 0; trial < 6; trial++) {
                MemorySegment x = input(k, n, w, layout, trial, r);
                double norm = Math.sqrt(VECTOR.dot(x, 0, x, 0, k));
                kernels.matmul(x, 0, k, 1, packed, bias, exact, 0, n);
                kernels.estimate(x, 0, q, estimate, 0);
                for (int col = 0; col < n; col++) {
                    int j = col;
                    double error = Math.abs(Floats.at(exact, j) - Floats.at(estimate, j));
                    double bound = q.errorBound(j, norm);
                    assertTrue(error <= bound, () -> kernels + ": column " + j + " of a " + k + "×" + n
                            + " estimate is off by " + error + ", more than its bound " + bound);
                    worst = Math.max(worst, error / bound);
                    relativeBound = Math.max(relativeBound, bound / (columnNorm(w, k, n, layout, j) * norm + 1e-30));
                }
            }
            // A bound that never binds would make the screen useless: it is a few per cent of |w|·|x| at most.
            assertTrue(relativeBound < 0.05, "the bound reaches " + relativeBound + " of ‖w_j‖·‖x‖");
            assertTrue(worst > 0 || k == 1, "no estimate had any error: the test inputs do not exercise the bound");
        }
    }

    /** Random inputs, then inputs aligned with a column's quantization error (the Cauchy–Schwarz worst case). */
    private static MemorySegment input(int k, int n, MemorySegment w, WeightLayout layout, int trial, SplittableRandom r) {
        MemorySegment x = ARENA.allocate((long) k * Float.BYTES, 64);
        int j = r.nextInt(n);
        double max = 0;
        for (int p = 0; p < k; p++) max = Math.max(max, Math.abs(weight(w, k, n, layout, p, j)));
        float s = (float) max / 127f;
        double scale = trial % 2 == 0 ? 1 : 40;
        for (int p = 0; p < k; p++) {
            double value;
            if (trial < 3) {
                value = r.nextGaussian() * scale;
            } else {
                double wj = weight(w, k, n, layout, p, j);
                double err = s == 0 ? 0 : wj - (double) s * Math.round((float) wj / s);
                value = Math.signum(err) * scale;
            }
            x.setAtIndex(ValueLayout.JAVA_FLOAT, p, (float) value);
        }
        return x;
    }

    @Test
    void theEstimateIsTheDocumentedQuantizationsProduct() {
        int k = 200, n = 150;
        MemorySegment w = Floats.random(ARENA, (long) k * n, 3, 0.3);
        MemorySegment bias = Floats.random(ARENA, n, 4, 1.0);
        MemorySegment x = Floats.random(ARENA, k, 5, 2.0);
        QuantizedWeights q = VECTOR.quantize(VECTOR.pack(w, k, n, WeightLayout.IN_OUT, ARENA), bias, ARENA);
        MemorySegment estimate = ARENA.allocate((long) n * Float.BYTES);
        VECTOR.estimate(x, 0, q, estimate, 0);
        for (int j = 0; j < n; j++) {
            double max = 0;
            for (int p = 0; p < k; p++) max = Math.max(max, Math.abs(weight(w, k, n, WeightLayout.IN_OUT, p, j)));
            float s = (float) max / 127f;
            double sum = 0;
            for (int p = 0; p < k; p++) sum += Floats.at(x, p) * (double) Math.round((float) weight(w, k, n, WeightLayout.IN_OUT, p, j) / s);
            double expected = sum * s + Floats.at(bias, j);
            assertEquals(expected, Floats.at(estimate, j), 1e-5 * (1 + Math.abs(expected)), "column " + j);
        }
    }

    @Test
    void aColumnAloneIsTheMatmulsFloatBitForBit() {
        int k = 777, n = 333, m = 7;
        MemorySegment w = Floats.random(ARENA, (long) k * n, 8, 0.1);
        MemorySegment bias = Floats.random(ARENA, n, 9, 1.0);
        MemorySegment a = Floats.random(ARENA, (long) m * k, 10, 1.0);
        for (Kernels kernels : new Kernels[]{VECTOR, SCALAR}) {
            for (MemorySegment b : new MemorySegment[]{bias, null}) {
                PackedWeights packed = kernels.pack(w, k, n, WeightLayout.OUT_IN, ARENA);
                MemorySegment one = ARENA.allocate((long) n * Float.BYTES), tiled = ARENA.allocate((long) m * n * Float.BYTES);
                kernels.matmul(a, 3L * k, k, 1, packed, b, one, 0, n);
                kernels.matmul(a, 0, k, m, packed, b, tiled, 0, n);
                for (int j = 0; j < n; j++) {
                    float column = kernels.column(a, 3L * k, packed, b, j);
                    assertEquals(Float.floatToRawIntBits(Floats.at(one, j)), Float.floatToRawIntBits(column), "column " + j + " against the one-row matmul");
                    if (kernels == VECTOR) {
                        assertEquals(Float.floatToRawIntBits(Floats.at(tiled, 3L * n + j)), Float.floatToRawIntBits(column), "column " + j + " against row 3 of the tiled matmul");
                    }
                }
            }
        }
    }

    @Test
    void theEstimateDoesNotDependOnTheThreadCount() {
        int k = 768, n = 5000;
        MemorySegment w = Floats.random(ARENA, (long) k * n, 12, 0.1);
        MemorySegment x = Floats.random(ARENA, k, 13, 1.0);
        MemorySegment two = ARENA.allocate((long) n * Float.BYTES), one = ARENA.allocate((long) n * Float.BYTES);
        VECTOR.estimate(x, 0, VECTOR.quantize(VECTOR.pack(w, k, n, WeightLayout.OUT_IN, ARENA), null, ARENA), two, 0);
        ONE_THREAD.estimate(x, 0, ONE_THREAD.quantize(ONE_THREAD.pack(w, k, n, WeightLayout.OUT_IN, ARENA), null, ARENA), one, 0);
        assertEquals(-1, one.mismatch(two));
    }

    @Test
    void badCallsAreRefusedInOneSentence() {
        MemorySegment w = Floats.random(ARENA, 16, 1, 1.0);
        w.setAtIndex(ValueLayout.JAVA_FLOAT, 5, Float.NaN);
        PackedWeights packed = VECTOR.pack(w, 4, 4, WeightLayout.IN_OUT, ARENA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VECTOR.quantize(packed, null, ARENA));
        assertTrue(e.getMessage().contains("weight (1, 1) is NaN"), e.getMessage());
        QuantizedWeights scalar = SCALAR.quantize(SCALAR.pack(Floats.random(ARENA, 16, 2, 1.0), 4, 4, WeightLayout.IN_OUT, ARENA), null, ARENA);
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.estimate(w, 0, scalar, ARENA.allocate(16), 0));
        assertTrue(e.getMessage().contains("quantized by another Kernels implementation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.column(w, 0, packed, null, 4));
        assertTrue(e.getMessage().contains("4 is not a column"), e.getMessage());
    }

    private static double weight(MemorySegment w, int k, int n, WeightLayout layout, int p, int j) {
        return Floats.at(w, layout == WeightLayout.IN_OUT ? (long) p * n + j : (long) j * k + p);
    }

    private static double columnNorm(MemorySegment w, int k, int n, WeightLayout layout, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) s += weight(w, k, n, layout, p, j) * weight(w, k, n, layout, p, j);
        return Math.sqrt(s);
    }
}
