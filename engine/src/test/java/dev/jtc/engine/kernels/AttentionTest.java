package dev.jtc.engine.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attention against a naive double-precision implementation written here, with every masking case. */
class AttentionTest {

    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    /**
     * Softmax(q·kᵀ·scale + mask)·v in double, the mask as BERT and GPT-2 apply it: −10000 added to the
     * scores of padded keys and −∞ for future keys. A query that sees nothing gets zeros (the documented
     * choice of the interface).
     */
    static double[] naive(MemorySegment q, int ldq, MemorySegment k, int ldk, MemorySegment v, int ldv, int tq, int tk,
                          int heads, int hs, double scale, boolean causal, int validKeys) {
        double[] out = new double[tq * heads * hs];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tq; i++) {
                double[] s = new double[tk];
                boolean any = false;
                for (int j = 0; j < tk; j++) {
                    if (causal && j > i + (tk - tq)) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < hs; d++) {
                        dot += (double) Floats.at(q, (long) i * ldq + h * hs + d) * Floats.at(k, (long) j * ldk + h * hs + d);
                    }
                    s[j] = dot * scale + (j < validKeys ? 0 : -10000);
                    any |= j < validKeys;
                }
                if (!any) continue;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (double x : s) max = Math.max(max, x);
                for (int j = 0; j < tk; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int d = 0; d < hs; d++) {
                    double o = 0;
                    for (int j = 0; j < tk; j++) o += s[j] / sum * Floats.at(v, (long) j * ldv + h * hs + d);
                    out[(i * heads + h) * hs + d] = o;
                }
            }
        }
        return out;
    }

    private static float[] outRows(MemorySegment out, int ldo, int tq, int width) {
        float[] r = new float[tq * width];
        for (int i = 0; i < tq; i++) System.arraycopy(Floats.get(out, (long) i * ldo, width), 0, r, i * width, width);
        return r;
    }

    @ParameterizedTest(name = "tq={0} tk={1} heads={2} hs={3} causal={4} valid={5}")
    @CsvSource({
            "1, 1, 1, 1, false, 1",
            "7, 7, 3, 7, true, 7",
            "7, 7, 3, 7, false, 5",
            "33, 33, 2, 64, true, 33",
            "33, 33, 2, 64, false, 20",
            "13, 13, 12, 64, false, 13",
            "1, 40, 4, 64, true, 40",      // one decode step over a KV cache
            "5, 67, 2, 33, true, 67",      // five new tokens after 62 cached
            "5, 67, 2, 80, true, 60",      // cache with padding at the end
            "9, 4, 1, 16, true, 4",        // more queries than keys: the first five see nothing
            "6, 6, 2, 8, false, 0",        // nothing valid: zeros
            "130, 130, 2, 64, true, 130",
            "512, 512, 1, 64, true, 512",
            "129, 129, 3, 17, false, 100"
    })
    void vectorAndScalarMatchNaiveDouble(int tq, int tk, int heads, int hs, boolean causal, int validKeys) {
        int width = heads * hs, ld = width + 3;
        long seed = tq * 1000L + tk * 10L + hs;
        MemorySegment q = Floats.random(ARENA, (long) tq * ld, seed, 1);
        MemorySegment k = Floats.random(ARENA, (long) tk * ld, seed + 1, 1);
        MemorySegment v = Floats.random(ARENA, (long) tk * ld, seed + 2, 1);
        float scale = (float) (1 / Math.sqrt(hs));
        double[] ref = naive(q, ld, k, ld, v, ld, tq, tk, heads, hs, scale, causal, validKeys);
        for (Kernels kern : new Kernels[]{Kernels.vector(2), Kernels.vector(1), Kernels.scalar()}) {
            int ldo = width + 5;
            MemorySegment out = Floats.random(ARENA, (long) tq * ldo, seed + 3, 1);
            float gap = Floats.at(out, width);
            long scratchFloats = kern.attentionScratchFloats(tq, tk, hs);
            MemorySegment scratch = scratchFloats == 0 ? null : ARENA.allocate(scratchFloats * Float.BYTES, 64);
            kern.attention(q, 0, ld, k, 0, ld, v, 0, ld, tq, tk, heads, hs, scale, causal, validKeys, out, 0, ldo, scratch);
            double e = Floats.relError(outRows(out, ldo, tq, width), ref);
            assertTrue(e <= 1e-5, kern.getClass().getSimpleName() + ": error " + e);
            if (tq > 1) assertEquals(gap, Floats.at(out, width), 0f, "row gap overwritten");
        }
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        int tq = 77, tk = 77, heads = 5, hs = 64, w = heads * hs;
        MemorySegment q = Floats.random(ARENA, (long) tq * w, 1, 2), k = Floats.random(ARENA, (long) tk * w, 2, 2),
                v = Floats.random(ARENA, (long) tk * w, 3, 2);
        float[] first = null;
        for (int threads : new int[]{1, 2, 3}) {
            MemorySegment out = ARENA.allocate((long) tq * w * Float.BYTES, 64);
            Kernels.vector(threads).attention(q, 0, w, k, 0, w, v, 0, w, tq, tk, heads, hs, 0.125f, true, tk, out, 0, w, null);
            float[] got = Floats.get(out, 0, tq * w);
            if (first == null) first = got;
            else assertArrayEquals(first, got, "threads=" + threads);
        }
    }

    @Test
    void badValidKeysIsNamed() {
        MemorySegment x = Floats.random(ARENA, 64, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.vector(1)
                .attention(x, 0, 8, x, 0, 8, x, 0, 8, 2, 2, 1, 8, 1f, false, 3, x, 0, 8, null));
        assertTrue(e.getMessage().contains("validKeys"), e.getMessage());
    }
}
