package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merging accumulators equals one accumulator over all rows, whatever the row order and split. */
class MergeTest {

    /**
     * Two backward-stable fits of the same rows differ by up to about κ(X)·ε + κ(X)²·ε·‖residual‖/‖fit‖
     * relative, so the 1e-12 agreement is asked of a well-conditioned X with a small residual; an error in
     * the merge would be far larger.
     */
    @Test
    void shuffledSplitsMergeToTheSingleFit() {
        Problem pr = Problem.random(21, 1100, 70, 3, 30, 10, 1e-3, true);
        for (LeastSquaresOptions o : new LeastSquaresOptions[]{LeastSquaresOptions.paper(),
                new LeastSquaresOptions(Intercept.FITTED, 2.0, DataPrecision.FLOAT32)}) {
            LeastSquaresSolution single = DenseKernelsTest.fit(pr, o, DenseKernels.vector());
            for (long seed = 1; seed <= 3; seed++) {
                Random rnd = new Random(seed);
                Problem shuffled = pr.permuted(shuffle(rnd, pr.rows()));
                int cut1 = 1 + rnd.nextInt(pr.rows() - 2), cut2 = cut1 + 1 + rnd.nextInt(pr.rows() - cut1 - 1);
                TsqrAccumulator merged = accumulate(shuffled.slice(0, cut1), o);
                merged.merge(accumulate(shuffled.slice(cut1, cut2), o));
                merged.merge(accumulate(shuffled.slice(cut2, pr.rows()), o));
                assertEquals(pr.rows(), merged.rowCount());
                LeastSquaresSolution s = merged.solve();
                for (int t = 0; t < pr.targets(); t++) {
                    double err = LstsqReferenceTest.relative(s.mapInDouble(t), single.mapInDouble(t));
                    assertTrue(err < 1e-12, o + ", split " + cut1 + "/" + cut2 + ", target " + t + ": merged map differs by " + err);
                    double rss = single.residualSumOfSquares(t);
                    assertEquals(rss, s.residualSumOfSquares(t), 1e-9 * rss);
                }
            }
        }
    }

    @Test
    void rowsAddedAfterSolveAndMergeStillCount() {
        Problem pr = Problem.random(22, 600, 40, 1, 10, 10, 1e-3, true);
        LeastSquaresSolution single = DenseKernelsTest.fit(pr, LeastSquaresOptions.paper(), DenseKernels.vector());
        TsqrAccumulator acc = accumulate(pr.slice(0, 250), LeastSquaresOptions.paper());
        acc.solve();
        acc.merge(accumulate(pr.slice(250, 400), LeastSquaresOptions.paper()));
        pr.slice(400, 600).addTo(acc, 33);
        double err = LstsqReferenceTest.relative(acc.solve().mapInDouble(0), single.mapInDouble(0));
        assertTrue(err < 1e-12, "map differs by " + err);
    }

    private static TsqrAccumulator accumulate(Problem part, LeastSquaresOptions o) {
        TsqrAccumulator acc = new TsqrAccumulator(part.sourceWidth(), part.targets(), part.targetWidth(), o);
        part.addTo(acc, 64);
        return acc;
    }

    private static int[] shuffle(Random rnd, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), s = order[i];
            order[i] = order[j];
            order[j] = s;
        }
        return order;
    }
}
