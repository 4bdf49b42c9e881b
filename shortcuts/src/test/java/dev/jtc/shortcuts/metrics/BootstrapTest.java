package dev.jtc.shortcuts.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {

    private static final int ROWS = 2000;

    /** 0/1 per row, {@code ones} of them 1, shuffled. */
    private static double[] hits(int ones, long seed) {
        double[] x = new double[ROWS];
        Arrays.fill(x, 0, ones, 1);
        Random random = new Random(seed);
        for (int i = ROWS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    @Test
    void theIntervalOfAPrecisionNearOneHalfIsAsWideAsTheNormalApproximation() {
        double p = 0.512;
        Bootstrap.Interval ci = new Bootstrap(Bootstrap.DEFAULT_RESAMPLES, 42).intervals(new double[][]{hits(1024, 1)})[0];
        double normal = 2 * 1.96 * Math.sqrt(p * (1 - p) / ROWS);
        double width = ci.hi() - ci.lo();
        assertTrue(ci.lo() < p && p < ci.hi(), "the interval " + ci + " holds the mean " + p);
        assertTrue(Math.abs(width / normal - 1) < 0.2, "width " + width + " against the normal approximation's " + normal);
    }

    @Test
    void aSeedGivesTheSameIntervalsAndAnotherSeedOthers() {
        double[][] series = {hits(1000, 1), hits(700, 2)};
        Bootstrap.Interval[] first = new Bootstrap(500, 7).intervals(series);
        assertArrayEquals(first, new Bootstrap(500, 7).intervals(series));
        assertNotEquals(Arrays.asList(first), Arrays.asList(new Bootstrap(500, 8).intervals(series)));
    }

    @Test
    void aSeriesGetsTheSameIntervalWhateverSharesTheCall() {
        double[] x = hits(900, 3);
        Bootstrap b = new Bootstrap(300, 11);
        Bootstrap.Interval alone = b.intervals(new double[][]{x})[0];
        Bootstrap.Interval[] shared = b.intervals(new double[][]{hits(100, 4), x, hits(1500, 5)});
        assertEquals(alone, shared[1], "same rows drawn for every series: the comparison between series is paired");
    }

    @Test
    void badInputIsRefused() {
        assertEquals("the bootstrap needs at least 1 resample, got 0.",
                assertThrows(IllegalArgumentException.class, () -> new Bootstrap(0, 1)).getMessage());
        assertEquals("the bootstrap needs at least one row, got none.",
                assertThrows(IllegalArgumentException.class, () -> new Bootstrap(5, 1).intervals(new double[][]{{}})).getMessage());
        assertEquals("the bootstrap's series must all hold one value per row, but their lengths are 2 and 3.",
                assertThrows(IllegalArgumentException.class,
                        () -> new Bootstrap(5, 1).intervals(new double[][]{{1, 2}, {1, 2, 3}})).getMessage());
    }
}
