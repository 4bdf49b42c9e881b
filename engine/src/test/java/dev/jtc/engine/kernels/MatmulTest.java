package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;
import dev.jtc.weights.ModelConfig.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatmulTest {

    private static final int[] MS = {1, 2, 5, 6, 7, 13, 64, 129};
    private static final int[] KN = {1, 7, 33, 767, 768, 3073};
    /** Keeps the double-precision reference affordable: larger shapes run only at the smaller m. */
    private static final long MAX_MACS = 12_000_000L;
    /** The scalar twin reads through segments one float at a time: compare it on the smaller shapes. */
    private static final long MAX_SCALAR_MACS = 3_000_000L;

    private static final Arena ARENA = Arena.ofShared();
    private static final Kernels VECTOR = Kernels.vector(2);
    private static final Kernels SCALAR = Kernels.scalar();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (int m : MS) {
            for (int k : KN) {
                for (int n : KN) {
                    if ((long) m * k * n > MAX_MACS) continue;
                    WeightLayout layout = (i++ % 2 == 0) ? WeightLayout.IN_OUT : WeightLayout.OUT_IN;
                    out.add(Arguments.of(m, k, n, layout, i % 3 != 0));
                }
            }
        }
        return out.stream();
    }

    /** The logical [k, n] element (p, j) of w as stored in {@code layout}. */
    private static double w(MemorySegment w, int k, int n, WeightLayout layout, int p, int j) {
        return Floats.at(w, layout == WeightLayout.IN_OUT ? (long) p * n + j : (long) j * k + p);
    }

    /** The independent reference: a double-precision triple loop. */
    static double[] reference(MemorySegment a, long aOff, int lda, int m, MemorySegment w, int k, int n,
                              WeightLayout layout, MemorySegment bias) {
        double[] c = new double[m * n];
        double[] col = new double[k];
        double[][] rows = new double[m][k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) rows[i][p] = Floats.at(a, aOff + (long) i * lda + p);
        }
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) col[p] = w(w, k, n, layout, p, j);
            for (int i = 0; i < m; i++) {
                double s = bias == null ? 0 : Floats.at(bias, j);
                double[] row = rows[i];
                for (int p = 0; p < k; p++) s += row[p] * col[p];
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static float[] rows(MemorySegment c, long off, int ldc, int m, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(Floats.get(c, off + (long) i * ldc, n), 0, out, i * n, n);
        return out;
    }

    @ParameterizedTest(name = "m={0} k={1} n={2} {3} bias={4}")
    @MethodSource("shapes")
    void vectorMatchesDoubleTripleLoopAndScalarTwin(int m, int k, int n, WeightLayout layout, boolean withBias) {
        long seed = 31L * m + 7L * k + n;
        // Strided and offset operands, as the engine addresses rows of a workspace.
        int lda = k + 3, ldc = n + 5;
        long aOff = 11, cOff = 13;
        MemorySegment a = Floats.random(ARENA, aOff + (long) m * lda, seed, 1);
        MemorySegment w = Floats.random(ARENA, (long) k * n, seed + 1, 1);
        MemorySegment bias = withBias ? Floats.random(ARENA, n, seed + 2, 1) : null;
        MemorySegment cv = Floats.random(ARENA, cOff + (long) m * ldc, seed + 3, 1);
        MemorySegment cs = Floats.copy(ARENA, cv);

        VECTOR.matmul(a, aOff, lda, m, VECTOR.pack(w, k, n, layout), bias, cv, cOff, ldc);
        double[] ref = reference(a, aOff, lda, m, w, k, n, layout, bias);
        float[] vec = rows(cv, cOff, ldc, m, n);
        double ev = Floats.relError(vec, ref);
        assertTrue(ev <= 1e-5, "vector vs double reference: " + ev);
        // Padding between and around rows must be untouched.
        assertEquals(Floats.at(cs, cOff - 1), Floats.at(cv, cOff - 1), "float before C overwritten");
        if (m > 1) assertEquals(Floats.at(cs, cOff + n), Floats.at(cv, cOff + n), "row gap overwritten");
        if ((long) m * k * n <= MAX_SCALAR_MACS) {
            SCALAR.matmul(a, aOff, lda, m, SCALAR.pack(w, k, n, layout), bias, cs, cOff, ldc);
            float[] sca = rows(cs, cOff, ldc, m, n);
            double es = Floats.relError(sca, ref), evs = Floats.relError(vec, sca);
            assertTrue(es <= 1e-6, "scalar vs double reference: " + es);
            assertTrue(evs <= 1e-5, "vector vs scalar: " + evs);
        }
    }

    @Test
    void resultDoesNotDependOnThreadCountAndOneRowEqualsTheTiledPath() {
        int m = 67, k = 777, n = 1000;
        MemorySegment a = Floats.random(ARENA, (long) m * k, 1, 1);
        MemorySegment w = Floats.random(ARENA, (long) k * n, 2, 1);
        MemorySegment bias = Floats.random(ARENA, n, 3, 1);
        float[] first = null;
        for (int threads : new int[]{1, 2, 3, 5}) {
            Kernels kern = Kernels.vector(threads);
            MemorySegment c = ARENA.allocate((long) m * n * Float.BYTES, 64);
            kern.matmul(a, 0, k, m, kern.pack(w, k, n, WeightLayout.IN_OUT), bias, c, 0, n);
            float[] got = Floats.get(c, 0, m * n);
            if (first == null) first = got;
            else assertArrayEquals(first, got, "threads=" + threads);
        }
        PackedWeights pw = VECTOR.pack(w, k, n, WeightLayout.IN_OUT);
        MemorySegment one = ARENA.allocate((long) n * Float.BYTES, 64);
        for (int i : new int[]{0, 5, 66}) {
            VECTOR.matmul(a, (long) i * k, k, 1, pw, bias, one, 0, n);
            float[] row = Floats.get(one, 0, n), tiled = new float[n];
            System.arraycopy(first, i * n, tiled, 0, n);
            assertArrayEquals(tiled, row, "row " + i + " computed alone");
        }
    }

    /**
     * The fused GELU epilogue gives exactly matmul then GELU, in both forms, for each way the team splits C: one row
     * (panels), many rows and columns (panels), and fewer panels than threads (row slivers); C's gaps stay untouched.
     */
    @ParameterizedTest(name = "m={0} n={1} threads={2}")
    @MethodSource("epilogueCases")
    void matmulGeluEqualsMatmulThenGelu(int m, int n, int threads) {
        int k = 300, ldc = n + 3;
        MemorySegment a = Floats.random(ARENA, (long) m * k, m + n, 2);
        MemorySegment w = Floats.random(ARENA, (long) k * n, threads, 0.2);
        MemorySegment bias = Floats.random(ARENA, n, 5, 1);
        try (Kernels kern = Kernels.vector(threads)) {
            PackedWeights pw = kern.pack(w, k, n, WeightLayout.IN_OUT);
            for (Activation form : Activation.values()) {
                MemorySegment fused = Floats.random(ARENA, (long) m * ldc, 9, 1), apart = Floats.copy(ARENA, fused);
                kern.matmulGelu(a, 0, k, m, pw, bias, fused, 0, ldc, form);
                kern.matmul(a, 0, k, m, pw, bias, apart, 0, ldc);
                for (int r = 0; r < m; r++) kern.gelu(apart, (long) r * ldc, n, form);
                assertArrayEquals(Floats.get(apart, 0, m * ldc), Floats.get(fused, 0, m * ldc), form.name());
            }
        }
    }

    static Stream<Arguments> epilogueCases() {
        return Stream.of(Arguments.of(1, 1000, 2), Arguments.of(67, 1000, 2), Arguments.of(67, 10, 2),
                Arguments.of(67, 1000, 1), Arguments.of(13, 77, 3));
    }

    @Test
    void concurrentCallersOnOneKernelSetGetCorrectResults() throws Exception {
        int m = 40, k = 300, n = 520;
        MemorySegment w = Floats.random(ARENA, (long) k * n, 9, 1);
        PackedWeights pw = VECTOR.pack(w, k, n, WeightLayout.OUT_IN);
        ExecutorService ex = Executors.newFixedThreadPool(3);
        try {
            List<Future<Double>> errs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                long seed = 100 + t;
                errs.add(ex.submit(() -> {
                    try (Arena arena = Arena.ofShared()) {
                        MemorySegment a = Floats.random(arena, (long) m * k, seed, 1);
                        MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
                        double worst = 0;
                        for (int rep = 0; rep < 20; rep++) {
                            VECTOR.matmul(a, 0, k, m, pw, null, c, 0, n);
                        }
                        double[] ref = reference(a, 0, k, m, w, k, n, WeightLayout.OUT_IN, null);
                        worst = Math.max(worst, Floats.relError(Floats.get(c, 0, m * n), ref));
                        return worst;
                    }
                }));
            }
            for (Future<Double> f : errs) assertTrue(f.get() <= 1e-5, "concurrent result error " + f.get());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void confinedSegmentsAreComputedOnTheCallingThread() {
        int m = 30, k = 200, n = 300;
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment a = Floats.random(confined, (long) m * k, 5, 1);
            MemorySegment w = Floats.random(confined, (long) k * n, 6, 1);
            MemorySegment c = confined.allocate((long) m * n * Float.BYTES, 64);
            VECTOR.matmul(a, 0, k, m, VECTOR.pack(w, k, n, WeightLayout.IN_OUT), null, c, 0, n);
            double[] ref = reference(a, 0, k, m, w, k, n, WeightLayout.IN_OUT, null);
            assertTrue(Floats.relError(Floats.get(c, 0, m * n), ref) <= 1e-5);
        }
    }

    @Test
    void badArgumentsGetOneSentence() {
        MemorySegment w = Floats.random(ARENA, 12, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VECTOR.pack(w, 4, 4, WeightLayout.IN_OUT));
        assertTrue(e.getMessage().contains("12 floats") && e.getMessage().contains("16"), e.getMessage());
        PackedWeights scalarPacked = SCALAR.pack(w, 3, 4, WeightLayout.IN_OUT);
        MemorySegment a = Floats.random(ARENA, 3, 1, 1), c = Floats.random(ARENA, 4, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.matmul(a, 0, 3, 1, scalarPacked, null, c, 0, 4));
        assertTrue(e.getMessage().contains("another Kernels implementation"), e.getMessage());
        PackedWeights pw = VECTOR.pack(w, 3, 4, WeightLayout.IN_OUT);
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.matmul(a, 0, 3, 2, pw, null, c, 0, 4));
        assertTrue(e.getMessage().startsWith("matmul input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.matmul(a, 0, 3, 1, pw, null, c, 0, 2));
        assertTrue(e.getMessage().contains("row stride"), e.getMessage());
    }
}
