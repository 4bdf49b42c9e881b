package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LayerNorm, add, softmax and GELU: vector and scalar against double-precision references written here. */
class ElementwiseTest {

    private static final Arena ARENA = Arena.ofShared();
    private static final Kernels VECTOR = Kernels.vector(1);
    private static final Kernels SCALAR = Kernels.scalar();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 7, 16, 33, 767, 768, 3073})
    void layerNormMatchesTwoPassDoubleReference(int d) {
        int rows = 3;
        long off = 5;
        // A large common offset makes a one-pass E[x²]−E[x]² variance visibly wrong; two passes are not.
        MemorySegment x = Floats.random(ARENA, off + (long) rows * d, d, 2);
        for (long i = 0; i < off + (long) rows * d; i++) x.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, Floats.at(x, i) + 300f);
        MemorySegment gamma = Floats.random(ARENA, d, d + 1, 1), beta = Floats.random(ARENA, d, d + 2, 1);
        MemorySegment ov = ARENA.allocate((off + (long) rows * d) * Float.BYTES), os = ARENA.allocate(ov.byteSize());
        float eps = 1e-5f;
        VECTOR.layerNorm(x, off, ov, off, rows, d, gamma, beta, eps);
        SCALAR.layerNorm(x, off, os, off, rows, d, gamma, beta, eps);
        double[] ref = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < d; i++) mean += Floats.at(x, off + (long) r * d + i);
            mean /= d;
            for (int i = 0; i < d; i++) var += Math.pow(Floats.at(x, off + (long) r * d + i) - mean, 2);
            var /= d;
            for (int i = 0; i < d; i++) {
                ref[r * d + i] = (Floats.at(x, off + (long) r * d + i) - mean) / Math.sqrt(var + eps)
                        * Floats.at(gamma, i) + Floats.at(beta, i);
            }
        }
        float[] v = Floats.get(ov, off, rows * d), s = Floats.get(os, off, rows * d);
        // Inputs near 300 carry float rounding of ~3e-5 absolute, which normalisation by σ≈1.15 amplifies.
        assertTrue(Floats.relError(v, ref) <= 1e-4, "vector " + Floats.relError(v, ref));
        assertTrue(Floats.relError(s, ref) <= 1e-6, "scalar " + Floats.relError(s, ref));
        assertTrue(Floats.relError(v, s) <= 1e-4, "vector vs scalar " + Floats.relError(v, s));
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 7, 33, 767, 3073})
    void layerNormInPlaceAgreesWithScalarTo1e5(int d) {
        MemorySegment x = Floats.random(ARENA, 2L * d, 3 * d, 3);
        MemorySegment xs = Floats.copy(ARENA, x);
        MemorySegment gamma = Floats.random(ARENA, d, 1, 1), beta = Floats.random(ARENA, d, 2, 1);
        VECTOR.layerNorm(x, 0, x, 0, 2, d, gamma, beta, 1e-12f);
        SCALAR.layerNorm(xs, 0, xs, 0, 2, d, gamma, beta, 1e-12f);
        double e = Floats.relError(Floats.get(x, 0, 2 * d), Floats.get(xs, 0, 2 * d));
        assertTrue(e <= 1e-5, "in place, vector vs scalar " + e);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 33, 767, 3073})
    void addIsExact(int n) {
        MemorySegment dst = Floats.random(ARENA, n + 4L, n, 5), src = Floats.random(ARENA, n + 9L, n + 1, 5);
        MemorySegment dstS = Floats.copy(ARENA, dst);
        float[] before = Floats.get(dst, 0, n + 4);
        VECTOR.add(dst, 2, src, 9, n);
        SCALAR.add(dstS, 2, src, 9, n);
        float[] after = Floats.get(dst, 0, n + 4);
        for (int i = 0; i < n + 4; i++) {
            float want = (i >= 2 && i < n + 2) ? before[i] + Floats.at(src, 9 + i - 2) : before[i];
            assertEquals(want, after[i], 0f, "element " + i);
            assertEquals(Floats.at(dstS, i), after[i], 0f, "scalar twin, element " + i);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 33, 767, 3073})
    void softmaxMatchesDoubleReference(int n) {
        MemorySegment x = Floats.random(ARENA, n + 3L, n, 30);
        float[] in = Floats.get(x, 3, n);
        MemorySegment xs = Floats.copy(ARENA, x);
        VECTOR.softmax(x, 3, n);
        SCALAR.softmax(xs, 3, n);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float f : in) max = Math.max(max, f);
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) sum += ref[i] = Math.exp(in[i] - max);
        for (int i = 0; i < n; i++) ref[i] /= sum;
        float[] v = Floats.get(x, 3, n), s = Floats.get(xs, 3, n);
        // Relative per element: the small probabilities matter too (surprisal is their log).
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(v[i] - ref[i]) <= 1e-5 * ref[i] + 1e-30, "vector p[" + i + "] " + v[i] + " vs " + ref[i]);
            assertTrue(Math.abs(s[i] - ref[i]) <= 1e-6 * ref[i] + 1e-30, "scalar p[" + i + "] " + s[i] + " vs " + ref[i]);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 33, 767, 30522, 50257})
    void logSumExpAndDotMatchDoubleReferences(int n) {
        MemorySegment x = Floats.random(ARENA, n + 3L, n, 30);
        MemorySegment y = Floats.random(ARENA, n + 5L, n + 1, 3);
        float[] in = Floats.get(x, 3, n), other = Floats.get(y, 5, n);
        double max = Double.NEGATIVE_INFINITY, sum = 0, dot = 0, scale = 0;
        for (float f : in) max = Math.max(max, f);
        for (int i = 0; i < n; i++) {
            sum += Math.exp(in[i] - max);
            dot += (double) in[i] * other[i];
            scale += Math.abs((double) in[i] * other[i]);
        }
        double lse = max + Math.log(sum);
        // VectorExp's 0.91 ulp per term, summed in double: the total is good to a float ulp, the log to about 1e-7.
        assertEquals(lse, VECTOR.logSumExp(x, 3, n), 2e-7 * Math.max(1, Math.abs(lse)), "vector logSumExp");
        assertEquals(lse, SCALAR.logSumExp(x, 3, n), 1e-12 * Math.max(1, Math.abs(lse)), "scalar logSumExp");
        assertEquals(dot, VECTOR.dot(x, 3, y, 5, n), 1e-12 * scale, "vector dot");
        assertEquals(dot, SCALAR.dot(x, 3, y, 5, n), 1e-12 * scale, "scalar dot");
    }

    @Test
    void logSumExpOfExtremeLogits() {
        MemorySegment x = Floats.of(ARENA, new float[]{1000f, 1000f, -1000f, 999f, Float.NEGATIVE_INFINITY});
        double want = 1000 + Math.log(2 + Math.exp(-1));
        assertEquals(want, VECTOR.logSumExp(x, 0, 5), 1e-7); // float exponentials: a float ulp of the sum
        assertEquals(want, SCALAR.logSumExp(x, 0, 5), 1e-12);
        MemorySegment none = Floats.of(ARENA, new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY});
        assertEquals(Double.NEGATIVE_INFINITY, VECTOR.logSumExp(none, 0, 2));
        MemorySegment nan = Floats.of(ARENA, new float[]{1f, Float.NaN, 2f});
        assertTrue(Double.isNaN(VECTOR.logSumExp(nan, 0, 3)) && Double.isNaN(SCALAR.logSumExp(nan, 0, 3)));
        assertThrows(IllegalArgumentException.class, () -> VECTOR.logSumExp(x, 0, 0));
    }

    @Test
    void softmaxOfHugeLogitsDoesNotOverflow() {
        MemorySegment x = Floats.of(ARENA, new float[]{1000f, 1000f, -1000f, 999f});
        VECTOR.softmax(x, 0, 4);
        double e = Math.exp(-1);
        double z = 2 + e;
        assertEquals(1 / z, Floats.at(x, 0), 1e-6);
        assertEquals(0.0, Floats.at(x, 2), 0.0);
        assertEquals(e / z, Floats.at(x, 3), 1e-6);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 33, 767, 3073})
    void geluVectorAgreesWithScalarTwin(int n) {
        for (Activation form : Activation.values()) {
            MemorySegment x = Floats.random(ARENA, n + 2L, n * 7L + form.ordinal(), 6);
            MemorySegment xs = Floats.copy(ARENA, x);
            float guard = Floats.at(x, n + 1);
            VECTOR.gelu(x, 1, n, form);
            SCALAR.gelu(xs, 1, n, form);
            float[] v = Floats.get(x, 1, n), s = Floats.get(xs, 1, n);
            for (int i = 0; i < n; i++) {
                assertTrue(Math.abs(v[i] - s[i]) <= 2e-6 * Math.abs(s[i]) + 1e-12,
                        form + " x=" + i + ": " + v[i] + " vs " + s[i]);
            }
            assertEquals(guard, Floats.at(x, n + 1), 0f, "float after the range overwritten");
        }
    }

    @Test
    void outOfRangeArgumentsNameTheKernel() {
        MemorySegment x = Floats.random(ARENA, 8, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VECTOR.softmax(x, 4, 5));
        assertTrue(e.getMessage().startsWith("softmax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.gelu(x, 0, 9, Activation.GELU_TANH));
        assertTrue(e.getMessage().startsWith("gelu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.layerNorm(x, 0, x, 0, 2, 5, x, x, 1e-5f));
        assertTrue(e.getMessage().startsWith("layerNorm"), e.getMessage());
    }
}
