package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;
import dev.jtc.weights.ModelConfig.Activation;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random shapes, strides and masks the example tests did not pick, against the same independent references. */
class KernelProperties {

    private static final Kernels VECTOR = Kernels.vector(2);

    @Property(tries = 60)
    void matmulMatchesDoubleTripleLoop(@ForAll @IntRange(min = 1, max = 40) int m,
                                       @ForAll @IntRange(min = 1, max = 300) int k,
                                       @ForAll @IntRange(min = 1, max = 200) int n,
                                       @ForAll @IntRange(min = 0, max = 3) int pad,
                                       @ForAll boolean outIn, @ForAll boolean withBias) {
        try (Arena arena = Arena.ofShared()) {
            WeightLayout layout = outIn ? WeightLayout.OUT_IN : WeightLayout.IN_OUT;
            long seed = m * 1_000_003L + k * 1009L + n;
            MemorySegment a = Floats.random(arena, (long) m * (k + pad) + pad, seed, 1);
            MemorySegment w = Floats.random(arena, (long) k * n, seed + 1, 1);
            MemorySegment bias = withBias ? Floats.random(arena, n, seed + 2, 1) : null;
            MemorySegment c = arena.allocate(((long) m * (n + pad) + pad) * Float.BYTES, 64);
            VECTOR.matmul(a, pad, k + pad, m, VECTOR.pack(w, k, n, layout), bias, c, pad, n + pad);
            double[] ref = MatmulTest.reference(a, pad, k + pad, m, w, k, n, layout, bias);
            float[] got = new float[m * n];
            for (int i = 0; i < m; i++) System.arraycopy(Floats.get(c, pad + (long) i * (n + pad), n), 0, got, i * n, n);
            double e = Floats.relError(got, ref);
            assertTrue(e <= 1e-5, "m=" + m + " k=" + k + " n=" + n + ": error " + e);
        }
    }

    @Property(tries = 40)
    void attentionMatchesNaiveDouble(@ForAll @IntRange(min = 1, max = 20) int tq,
                                     @ForAll @IntRange(min = 0, max = 25) int extraKeys,
                                     @ForAll @IntRange(min = 1, max = 4) int heads,
                                     @ForAll @IntRange(min = 1, max = 70) int hs,
                                     @ForAll boolean causal, @ForAll @IntRange(min = 0, max = 100) int validPercent) {
        int tk = tq + extraKeys, w = heads * hs;
        int valid = tk * validPercent / 100;
        try (Arena arena = Arena.ofShared()) {
            long seed = tq * 7919L + tk * 31L + hs;
            MemorySegment q = Floats.random(arena, (long) tq * w, seed, 2);
            MemorySegment kk = Floats.random(arena, (long) tk * w, seed + 1, 2);
            MemorySegment v = Floats.random(arena, (long) tk * w, seed + 2, 2);
            MemorySegment out = arena.allocate((long) tq * w * Float.BYTES, 64);
            float scale = (float) (1 / Math.sqrt(hs));
            VECTOR.attention(q, 0, w, kk, 0, w, v, 0, w, tq, tk, heads, hs, scale, causal, valid, out, 0, w, null);
            double[] ref = AttentionTest.naive(q, w, kk, w, v, w, tq, tk, heads, hs, scale, causal, valid);
            double e = Floats.relError(Floats.get(out, 0, tq * w), ref);
            assertTrue(e <= 1e-5, "error " + e);
        }
    }

    @Property(tries = 40)
    void layerNormAndGeluAgreeWithTheScalarTwin(@ForAll @IntRange(min = 1, max = 2000) int d,
                                                @ForAll boolean tanh) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = Floats.random(arena, d, d, 8);
            MemorySegment xs = Floats.copy(arena, x);
            MemorySegment g = Floats.random(arena, d, d + 1, 1), b = Floats.random(arena, d, d + 2, 1);
            Activation form = tanh ? Activation.GELU_TANH : Activation.GELU_ERF;
            VECTOR.layerNorm(x, 0, x, 0, 1, d, g, b, 1e-5f);
            Kernels.scalar().layerNorm(xs, 0, xs, 0, 1, d, g, b, 1e-5f);
            VECTOR.gelu(x, 0, d, form);
            Kernels.scalar().gelu(xs, 0, d, form);
            double e = Floats.relError(Floats.get(x, 0, d), Floats.get(xs, 0, d));
            assertTrue(e <= 1e-5, "d=" + d + " " + form + ": error " + e);
        }
    }
}
