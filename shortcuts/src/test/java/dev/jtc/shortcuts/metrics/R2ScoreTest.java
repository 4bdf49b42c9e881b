package dev.jtc.shortcuts.metrics;

import dev.jtc.shortcuts.metrics.NumpyR2Reference.Case;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class R2ScoreTest {

    private static final double TOLERANCE = 1e-6;

    @Test
    void matchesTheNumpyReferenceOnEveryBranch(@TempDir Path dir) throws Exception {
        Random random = new Random(20230316);
        List<Case> cases = List.of(
                residualStreamLike("gpt2_small_shape", 2300, 768, 0.3, random),
                residualStreamLike("gpt2_xl_shape", 3000, 1600, 0.5, random),
                unrelated("negative", 500, 64, random),
                withConstantColumns("constant_columns", 300, 16, random),
                constant("all_constant_exact", 50, 8, false),
                constant("all_constant_wrong", 50, 8, true),
                residualStreamLike("width_1_rows_2", 2, 1, 0.7, random),
                residualStreamLike("rows_2", 2, 5, 0.7, random),
                residualStreamLike("width_1", 400, 1, 0.2, random));
        Map<String, Double> reference = NumpyR2Reference.scores(dir, cases);

        // The reference itself must exercise what the cases are named for.
        assertTrue(reference.get("negative") < -0.5, "the unrelated case should score well below 0");
        assertEquals(1.0, reference.get("all_constant_exact"));
        assertEquals(0.0, reference.get("all_constant_wrong"));

        List<Executable> checks = new ArrayList<>();
        for (Case c : cases) {
            double expected = reference.get(c.name());
            checks.add(() -> assertEquals(expected, R2Score.uniformAverage(c.yTrue(), c.yPred(), c.rows(), c.width()),
                    TOLERANCE, c.name() + " (float[])"));
            checks.add(() -> assertEquals(expected, offHeap(c), TOLERANCE, c.name() + " (off-heap MemorySegment)"));
            checks.add(() -> assertEquals(expected, R2Score.uniformAverage(MemorySegment.ofArray(c.yTrue()),
                    MemorySegment.ofArray(c.yPred()), c.rows(), c.width()), TOLERANCE, c.name() + " (heap segment)"));
        }
        assertAll(checks);
    }

    @Property(tries = 50)
    void anExactPredictionScoresOneAndNothingScoresAboveOne(@ForAll @IntRange(min = 2, max = 40) int rows,
                                                           @ForAll @IntRange(min = 1, max = 12) int width,
                                                           @ForAll long seed) {
        Case c = residualStreamLike("p", rows, width, 1.0, new Random(seed));
        assertEquals(1.0, R2Score.uniformAverage(c.yTrue(), c.yTrue(), rows, width));
        assertTrue(R2Score.uniformAverage(c.yTrue(), c.yPred(), rows, width) <= 1.0);
    }

    @Test
    void badInputIsOneSentenceNamingTheProblem() {
        float[] six = new float[6];
        assertMessage("needs at least 2 rows", () -> R2Score.uniformAverage(new float[3], new float[3], 1, 3));
        assertMessage("width (output dimensions) must be at least 1",
                () -> R2Score.uniformAverage(new float[0], new float[0], 2, 0));
        assertMessage("must each hold exactly 2 × 3 = 6 floats, got 6 and 5",
                () -> R2Score.uniformAverage(six, new float[5], 2, 3));
        assertMessage("must each hold exactly 2 × 3 float32 values (24 bytes), got 24 and 28 bytes",
                () -> R2Score.uniformAverage(MemorySegment.ofArray(six), MemorySegment.ofArray(new float[7]), 2, 3));
        float[] nan = {0, 1, Float.NaN, 3, 4, 5};
        assertMessage("yTrue holds a NaN or infinite value in column 2",
                () -> R2Score.uniformAverage(nan, six, 2, 3));
        float[] inf = {0, Float.POSITIVE_INFINITY, 0, 3, 4, 5};
        assertMessage("yPred holds a NaN or infinite value in column 1",
                () -> R2Score.uniformAverage(new float[]{0, 1, 2, 3, 4, 5}, inf, 2, 3));
    }

    private static void assertMessage(String expected, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(expected), message);
        assertTrue(message.startsWith("r2: ") && message.endsWith("."), message);
    }

    private static double offHeap(Case c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate((long) c.yTrue().length * Float.BYTES, 64);
            MemorySegment p = arena.allocate((long) c.yPred().length * Float.BYTES, 64);
            MemorySegment.copy(c.yTrue(), 0, t, ValueLayout.JAVA_FLOAT, 0, c.yTrue().length);
            MemorySegment.copy(c.yPred(), 0, p, ValueLayout.JAVA_FLOAT, 0, c.yPred().length);
            return R2Score.uniformAverage(t, p, c.rows(), c.width());
        }
    }

    /**
     * Columns with their own mean and spread, a few of them with GPT-2's outsized means (thousands against a
     * spread of a few units), predicted with noise {@code noise} times the column's spread.
     */
    private static Case residualStreamLike(String name, int rows, int width, double noise, Random random) {
        double[] mean = new double[width], spread = new double[width];
        for (int k = 0; k < width; k++) {
            boolean outsized = k % 97 == 3;
            mean[k] = outsized ? 3000 * (random.nextBoolean() ? 1 : -1) : 50 * random.nextGaussian();
            spread[k] = outsized ? 5 : Math.exp(random.nextGaussian());
        }
        float[] t = new float[rows * width], p = new float[rows * width];
        for (int r = 0, at = 0; r < rows; r++) {
            for (int k = 0; k < width; k++, at++) {
                t[at] = (float) (mean[k] + spread[k] * random.nextGaussian());
                p[at] = (float) (t[at] + noise * spread[k] * random.nextGaussian());
            }
        }
        return new Case(name, rows, width, t, p);
    }

    /** Predictions that ignore the targets and spread twice as wide: r² well below 0. */
    private static Case unrelated(String name, int rows, int width, Random random) {
        float[] t = new float[rows * width], p = new float[rows * width];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) random.nextGaussian();
            p[i] = (float) (2 * random.nextGaussian());
        }
        return new Case(name, rows, width, t, p);
    }

    /**
     * Four constant columns predicted exactly (score 1), four constant columns predicted wrongly (score 0), the
     * rest ordinary; the constants are not dyadic, so only an exact zero test gets SST = 0 for them.
     */
    private static Case withConstantColumns(String name, int rows, int width, Random random) {
        Case c = residualStreamLike(name, rows, width, 0.4, random);
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < 8; k++) {
                int at = r * width + k;
                c.yTrue()[at] = 0.1f * (k + 1) + 1000f * (k % 2);
                c.yPred()[at] = k < 4 ? c.yTrue()[at] : c.yTrue()[at] + (float) random.nextGaussian();
            }
        }
        return c;
    }

    private static Case constant(String name, int rows, int width, boolean predictedWrongly) {
        float[] t = new float[rows * width], p = new float[rows * width];
        for (int i = 0; i < t.length; i++) {
            t[i] = 0.7f - i % width;
            p[i] = predictedWrongly ? t[i] + (i % 3 == 0 ? 0.5f : 0f) : t[i];
        }
        return new Case(name, rows, width, t, p);
    }
}
