package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.mappings.MappingPredictions;
import dev.jtc.shortcuts.mappings.NumpyResultsReference;
import dev.jtc.shortcuts.mappings.RandomPredictions;
import dev.jtc.shortcuts.mappings.ReferencePredictions;
import dev.jtc.shortcuts.mappings.ValidationPredictions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitSweepTest {

    private static final int BLOCKS = 4;
    private static final int RIGHT = 7;
    private static final int WRONG = 8;

    /**
     * Rows built to exit at a chosen layer: confidence 0 before it, 0.9 from it on (above the threshold of λ = 0.5
     * at t = 0, 0.9·0.5 + 0.1 = 0.55, and below that of λ = 1). Row r exits at layer exitAt[r] (L = never) with the
     * right top-1 there when right[r].
     */
    private static ValidationPredictions designed(int[] exitAt, boolean[] right) {
        int rows = exitAt.length;
        int[][] top10 = new int[rows][];
        for (int row = 0; row < rows; row++) top10[row] = new int[]{RIGHT, 1, 2, 3, 4, 5, 6, 9, 10, 11};
        ReferencePredictions full = new ReferencePredictions(top10, new int[rows], new int[rows]);
        int[][] top1 = new int[BLOCKS + 1][rows];
        float[][] p1 = new float[BLOCKS + 1][rows];
        float[][] p2 = new float[BLOCKS + 1][rows];
        for (int l = 0; l <= BLOCKS; l++) {
            for (int row = 0; row < rows; row++) {
                boolean confident = l >= exitAt[row];
                p1[l][row] = confident ? 0.95f : 0.3f;
                p2[l][row] = confident ? 0.05f : 0.3f;
                top1[l][row] = l == BLOCKS || (l == exitAt[row] && right[row]) ? RIGHT : WRONG;
            }
        }
        return predictions(full, top1, p1, p2);
    }

    private static ValidationPredictions predictions(ReferencePredictions full, int[][] top1, float[][] p1, float[][] p2) {
        int layers = top1.length;
        int rows = full.rows();
        MappingPredictions mat = new MappingPredictions(Mapping.MAT, top1, p1, p2, new float[layers][rows], new float[layers][rows]);
        return new ValidationPredictions(layers - 1, 50, full, List.of(mat));
    }

    @Test
    void rowsDesignedToExitAtChosenLayersGiveExactMeans() {
        int[] exitAt = {1, 2, 2, 3, BLOCKS, BLOCKS};
        boolean[] right = {true, false, true, true, false, false};
        ValidationPredictions p = designed(exitAt, right);

        assertArrayEquals(exitAt, ExitSweep.exitLayers(p, Mapping.MAT, 0.5));
        List<ExitPoint> points = ExitSweep.simulate(p, Mapping.MAT, new double[]{0.5, 1.0});
        // λ = 0.5: layers 1+2+2+3+4+4 = 16 of 6 rows; right at the exit: rows 0, 2, 3 and both rows that reach L.
        assertEquals(new ExitPoint(Mapping.MAT, 0.5, 16.0 / 6, 5.0 / 6), points.get(0));
        // λ = 1: threshold 1.0 is above 0.9 everywhere, so every row runs the full model.
        assertEquals(new ExitPoint(Mapping.MAT, 1.0, BLOCKS, 1.0), points.get(1));
    }

    @Test
    void confidenceEqualToTheThresholdDoesNotExit() {
        float p1 = 0.75f;
        float p2 = 0.2f;
        double confidence = (double) p1 - (double) p2;
        double lambda = lambdaWhoseThresholdIs(confidence);
        int[][] top10 = {{RIGHT, 1, 2, 3, 4, 5, 6, 9, 10, 11}};
        ReferencePredictions full = new ReferencePredictions(top10, new int[]{0}, new int[]{0});
        float[][] p1s = {{0.3f}, {p1}, {0.3f}};
        float[][] p2s = {{0.3f}, {p2}, {0.3f}};
        ValidationPredictions p = predictions(full, new int[][]{{WRONG}, {WRONG}, {RIGHT}}, p1s, p2s);

        assertFalse(ExitThreshold.exits(p1, p2, ExitThreshold.of(lambda, 0, 1.0)));
        assertArrayEquals(new int[]{2}, ExitSweep.exitLayers(p, Mapping.MAT, lambda), "equal: runs to L = 2");
        double below = lambda;
        while (ExitThreshold.of(below, 0, 1.0) == confidence) below = Math.nextDown(below);
        assertArrayEquals(new int[]{1}, ExitSweep.exitLayers(p, Mapping.MAT, below), "the next threshold down: exits at 1");
    }

    /** A λ whose threshold at t = 0 is exactly {@code target}, found by walking ulps from the algebraic answer. */
    private static double lambdaWhoseThresholdIs(double target) {
        double start = (target - 0.1) / 0.9;
        double up = start;
        double down = start;
        for (int step = 0; step < 64; step++) {
            if (ExitThreshold.of(up, 0, 1.0) == target) return up;
            if (ExitThreshold.of(down, 0, 1.0) == target) return down;
            up = Math.nextUp(up);
            down = Math.nextDown(down);
        }
        throw new AssertionError("no λ within 64 ulps gives a threshold of exactly " + target);
    }

    @Test
    void layerZeroNeverExitsEvenWhenCertain() {
        int[][] top10 = {{RIGHT, 1, 2, 3, 4, 5, 6, 9, 10, 11}};
        ReferencePredictions full = new ReferencePredictions(top10, new int[]{0}, new int[]{0});
        float[][] p1 = {{1f}, {0.3f}, {0.3f}, {0.3f}};
        float[][] p2 = {{0f}, {0.3f}, {0.3f}, {0.3f}};
        ValidationPredictions p = predictions(full, new int[][]{{RIGHT}, {WRONG}, {WRONG}, {RIGHT}}, p1, p2);
        for (double lambda : LambdaGrid.paper(Mapping.MAT)) {
            if (lambda < 0) continue; // a negative threshold lets confidence 0 exit at layer 1
            assertArrayEquals(new int[]{3}, ExitSweep.exitLayers(p, Mapping.MAT, lambda), "λ = " + lambda);
        }
    }

    @Test
    void equalTopProbabilitiesExitOnlyBelowAThresholdOfZero() {
        int[][] top10 = {{RIGHT, 1, 2, 3, 4, 5, 6, 9, 10, 11}};
        ReferencePredictions full = new ReferencePredictions(top10, new int[]{5}, new int[]{5});
        float[][] tied = {{0.4f}, {0.4f}, {0.4f}};
        ValidationPredictions p = predictions(full, new int[][]{{WRONG}, {RIGHT}, {RIGHT}}, tied, tied.clone());
        assertEquals(new ExitPoint(Mapping.MAT, 0.0, 2, 1), ExitSweep.simulate(p, Mapping.MAT, new double[]{0.0}).getFirst());
        // −1.112: 0.9·(−1.112) + 0.1·exp(−4·5/6) < 0, so confidence 0 is above it.
        assertEquals(new ExitPoint(Mapping.MAT, -1.112, 1, 1), ExitSweep.simulate(p, Mapping.MAT, new double[]{-1.112}).getFirst());
    }

    @Test
    void fixedExitIsPrecisionAtOneOfEachLayerWithNoLambda() {
        int[] exitAt = {1, 2, 2, 3, BLOCKS, BLOCKS};
        boolean[] right = {true, false, true, true, false, false};
        List<ExitPoint> fixed = ExitSweep.fixed(designed(exitAt, right), Mapping.MAT);
        // Layer l is right on the rows that exit at l with right[r]; layer L on every row.
        double[] expected = {0, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1};
        assertEquals(BLOCKS + 1, fixed.size());
        for (int l = 0; l <= BLOCKS; l++) {
            assertEquals(new ExitPoint(Mapping.MAT, Double.NaN, l, expected[l]), fixed.get(l), "layer " + l);
        }
    }

    @Test
    void matchesTheNumpyReferenceOnBothPaperGrids(@TempDir Path dir) throws Exception {
        ValidationPredictions p = RandomPredictions.of(20230316, 12, 500, 1000, List.of(Mapping.ID, Mapping.MAT, Mapping.AFFINE));
        NumpyResultsReference reference = NumpyResultsReference.of(dir, p);
        List<Executable> checks = new ArrayList<>();
        for (Mapping m : List.of(Mapping.ID, Mapping.MAT, Mapping.AFFINE)) {
            double[] grid = LambdaGrid.paper(m);
            List<ExitPoint> ours = ExitSweep.simulate(p, m, grid);
            List<double[]> theirs = reference.sweeps().get(m);
            checks.add(() -> assertEquals(theirs.size(), grid.length, m + ": grid sizes"));
            for (int i = 0; i < Math.min(grid.length, theirs.size()); i++) {
                ExitPoint point = ours.get(i);
                double[] expected = theirs.get(i);
                String where = m.key() + " λ = " + grid[i];
                checks.add(() -> assertEquals(expected[0], point.lambda(), 0, where + ": λ"));
                checks.add(() -> assertEquals(expected[1], point.meanLayers(), 1e-12, where + ": mean layers"));
                checks.add(() -> assertEquals(expected[2], point.precision1(), 1e-12, where + ": precision1"));
            }
            List<ExitPoint> fixed = ExitSweep.fixed(p, m);
            for (int l = 0; l <= 12; l++) {
                double expected = reference.fixed().get(m.key() + " " + l);
                double actual = fixed.get(l).precision1();
                String where = m.key() + " fixed exit at layer " + l;
                checks.add(() -> assertEquals(expected, actual, 1e-12, where));
            }
        }
        assertAll(checks);
        // The synthetic data must exercise the sweep: precision rises from the cheapest λ to the dearest.
        List<ExitPoint> mat = ExitSweep.simulate(p, Mapping.MAT, LambdaGrid.paper(Mapping.MAT));
        assertTrue(mat.getFirst().meanLayers() == 1 && mat.getLast().meanLayers() == 12, "the grid's ends: " + mat);
        assertTrue(mat.get(6).meanLayers() > 1.5 && mat.get(6).meanLayers() < 11, "a middle λ exits mid-way: " + mat.get(6));
    }

    @Test
    void refusesAMissingMappingAndANonFiniteLambda() {
        ValidationPredictions p = designed(new int[]{1}, new boolean[]{true});
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ExitSweep.simulate(p, Mapping.ID, new double[]{0.5}));
        assertEquals("early exit: the predictions hold no mapping \"id\"; they have mat.", missing.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> ExitSweep.simulate(p, Mapping.MAT, new double[]{Double.NaN}));
        assertEquals("early exit: λ must be a finite number, got NaN.", nan.getMessage());
    }
}
