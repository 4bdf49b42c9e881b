package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our maps against numpy's float64 lstsq (LAPACK gelsd) on the same rows. */
class LstsqReferenceTest {

    private static final double PREDICTION_TOLERANCE = 1e-5;

    @Test
    void paperFitMatchesNumpy() throws Exception {
        agree(Problem.random(1, 700, 37, 3, 11, 1e3, 0.1, true), LeastSquaresOptions.paper(), 77);
    }

    @Test
    void wideTargetsMatchNumpy() throws Exception {
        agree(Problem.random(2, 1000, 150, 2, 40, 1e4, 0.05, true), LeastSquaresOptions.paper(), 256);
    }

    @Test
    void interceptMatchesNumpy() throws Exception {
        agree(Problem.random(3, 900, 120, 2, 40, 1e2, 0.2, true),
                new LeastSquaresOptions(Intercept.FITTED, 0, DataPrecision.FLOAT32), 100);
    }

    @Test
    void ridgeMatchesNumpy() throws Exception {
        agree(Problem.random(4, 500, 60, 2, 20, 1e3, 0.3, true),
                new LeastSquaresOptions(Intercept.NONE, 3.0, DataPrecision.FLOAT32), 64);
    }

    @Test
    void interceptWithRidgeLeavesTheBiasUnpenalised() throws Exception {
        agree(Problem.random(5, 600, 45, 1, 7, 1e2, 0.3, true),
                new LeastSquaresOptions(Intercept.FITTED, 0.5, DataPrecision.FLOAT32), 50);
    }

    @Test
    void singleColumnMatchesNumpy() throws Exception {
        agree(Problem.random(6, 300, 1, 1, 1, 1, 0.1, true), LeastSquaresOptions.paper(), 300);
    }

    @Test
    void conditionOneHundredMillionInFloat64() throws Exception {
        Problem pr = Problem.random(7, 800, 60, 2, 10, 1e8, 1e-9, false);
        LeastSquaresOptions o = new LeastSquaresOptions(Intercept.NONE, 0, DataPrecision.FLOAT64);
        LeastSquaresSolution s = agree(pr, o, 128);
        assertEquals(60, s.rank().rank(), s.rank().message());
        assertTrue(s.rank().conditionEstimate() > 1e6, s.rank().message());
        // at this conditioning the maps themselves, not only their predictions, must match numpy's
        NumpyLstsq.Reference ref = NumpyLstsq.solve(pr, o);
        for (int t = 0; t < pr.targets(); t++) {
            double err = relative(s.mapInDouble(t), referenceMap(ref, pr, t));
            assertTrue(err < 1e-6, "target " + t + ": map differs from numpy's by " + err + " relative");
        }
    }

    @Test
    void exactlyRankDeficientGivesTheMinimumNormSolution() throws Exception {
        int rows = 500, d = 50, rank = 30;
        Random rnd = new Random(8);
        double[] u = new double[rows * rank], w = new double[rank * d];
        for (int i = 0; i < u.length; i++) u[i] = rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextGaussian();
        double[] x = new double[rows * d];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < rank; k++) s += u[i * rank + k] * w[k * d + j];
                x[i * d + j] = s;
            }
        }
        double[][] y = {new double[rows * 4]};
        for (int i = 0; i < y[0].length; i++) y[0][i] = rnd.nextGaussian();
        Problem pr = new Problem(rows, d, 1, 4, x, y);
        LeastSquaresOptions o = new LeastSquaresOptions(Intercept.NONE, 0, DataPrecision.FLOAT64);
        LeastSquaresSolution s = agree(pr, o, 200);
        NumpyLstsq.Reference ref = NumpyLstsq.solve(pr, o);
        assertEquals(rank, ref.rank(), "numpy's rank");
        assertEquals(rank, s.rank().rank(), s.rank().message());
        assertTrue(s.rank().minimumNorm());
        assertTrue(s.rank().message().startsWith("numerical rank 30 of 50 (cutoff "), s.rank().message());
        assertTrue(s.rank().message().endsWith("; minimum-norm solution"), s.rank().message());
        double err = relative(s.mapInDouble(0), referenceMap(ref, pr, 0));
        assertTrue(err < 1e-8, "the minimum-norm map differs from numpy's by " + err + " relative");
    }

    @Test
    void float32SegmentsGiveTheSameFitAsDoubles() throws Exception {
        Problem pr = Problem.random(9, 400, 33, 2, 9, 1e2, 0.1, true);
        TsqrAccumulator acc = new TsqrAccumulator(33, 2, 9, LeastSquaresOptions.paper());
        try (Arena arena = Arena.ofConfined()) {
            for (int i0 = 0; i0 < pr.rows(); i0 += 64) {
                Problem part = pr.slice(i0, Math.min(pr.rows(), i0 + 64));
                MemorySegment x = floats(arena, part.x());
                MemorySegment[] y = {floats(arena, part.y()[0]), floats(arena, part.y()[1])};
                acc.addRows(part.rows(), x, y);
            }
        }
        LeastSquaresSolution fromSegments = acc.solve();
        TsqrAccumulator viaDoubles = new TsqrAccumulator(33, 2, 9, LeastSquaresOptions.paper());
        pr.addTo(viaDoubles, 64);
        LeastSquaresSolution fromDoubles = viaDoubles.solve();
        for (int t = 0; t < 2; t++) {
            assertEquals(0, relative(fromSegments.mapInDouble(t), fromDoubles.mapInDouble(t)), "target " + t);
        }
        agree(pr, LeastSquaresOptions.paper(), 64);
    }

    /** Fits {@code pr} adding {@code block} rows at a time and checks predictions and residuals against numpy. */
    private static LeastSquaresSolution agree(Problem pr, LeastSquaresOptions o, int block) throws Exception {
        TsqrAccumulator acc = new TsqrAccumulator(pr.sourceWidth(), pr.targets(), pr.targetWidth(), o);
        pr.addTo(acc, block);
        assertEquals(pr.rows(), acc.rowCount());
        LeastSquaresSolution s = acc.solve();
        NumpyLstsq.Reference ref = NumpyLstsq.solve(pr, o);
        for (int t = 0; t < pr.targets(); t++) {
            float[] map = s.map(t);
            float[] bias = s.bias(t);
            assertEquals(o.intercept() == Intercept.FITTED, bias != null);
            double[] ours = pr.predict(s.mapInDouble(t), bias == null ? null : toDouble(bias));
            double[] theirs = pr.predict(referenceMap(ref, pr, t), o.intercept() == Intercept.FITTED ? referenceBias(ref, pr, t) : null);
            double err = relative(ours, theirs);
            assertTrue(err < PREDICTION_TOLERANCE, "target " + t + ": predictions differ from numpy's by " + err
                    + " relative (Frobenius); " + s.rank().message());
            double rss = 0, total = 0;
            for (int k = 0; k < pr.targetWidth(); k++) rss += ref.rss()[t * pr.targetWidth() + k];
            for (double v : pr.y()[t]) total += v * v;
            // the residual comes from ‖Y‖² − ‖QᵀY‖², good to about 1e-15·‖Y‖² absolute
            double rssErr = Math.abs(s.residualSumOfSquares(t) - rss) / Math.max(rss, 1e-6 * total);
            assertTrue(rssErr < 1e-6, "target " + t + ": residual sum of squares " + s.residualSumOfSquares(t)
                    + " against numpy's " + rss + " (‖Y‖² = " + total + ")");
            for (float v : map) assertFalse(Float.isNaN(v));
        }
        return s;
    }

    static double[] referenceMap(NumpyLstsq.Reference ref, Problem pr, int t) {
        int d = pr.sourceWidth(), tw = pr.targetWidth(), m = pr.targets() * tw;
        double[] a = new double[tw * d];
        for (int j = 0; j < d; j++) {
            for (int o = 0; o < tw; o++) a[o * d + j] = ref.z()[j * m + t * tw + o];
        }
        return a;
    }

    private static double[] referenceBias(NumpyLstsq.Reference ref, Problem pr, int t) {
        int d = pr.sourceWidth(), tw = pr.targetWidth(), m = pr.targets() * tw;
        double[] b = new double[tw];
        for (int o = 0; o < tw; o++) b[o] = ref.z()[d * m + t * tw + o];
        return b;
    }

    static double relative(double[] ours, double[] theirs) {
        double num = 0, den = 0;
        for (int i = 0; i < ours.length; i++) {
            double e = ours[i] - theirs[i];
            num += e * e;
            den += theirs[i] * theirs[i];
        }
        return Math.sqrt(num / den);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static MemorySegment floats(Arena arena, double[] values) {
        MemorySegment s = arena.allocate((long) values.length * Float.BYTES, 64);
        for (int i = 0; i < values.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
        return s;
    }
}
