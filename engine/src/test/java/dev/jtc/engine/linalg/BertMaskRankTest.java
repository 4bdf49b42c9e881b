package dev.jtc.engine.linalg;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.EasyBert;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.model.Sequence;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.tf.TensorBundle;
import dev.jtc.weights.tf.TfBertNames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real case behind the float32 rank cutoff: in bert-base-uncased, layer 0 at a [MASK] is
 * LayerNorm(word[MASK] + position + type), so its rows take one value per position and their rank is
 * the number of distinct positions. A fit that keeps directions below float32's noise there (numpy's
 * float64 default did) gives a 0 → 12 map that is wild off the training rows.
 */
class BertMaskRankTest {

    private static final int CLS = 101, SEP = 102, MASK = 103, D = 768;

    @Test
    void layerZeroAtTheMaskHasTheRankOfItsPositions() throws Exception {
        Random rnd = new Random(41);
        int train = 110, held = 30;
        List<Sequence> sequences = new ArrayList<>();
        int[] positions = new int[train + held];
        for (int s = 0; s < positions.length; s++) {
            int length = 8 + rnd.nextInt(33);
            int[] ids = new int[length];
            ids[0] = CLS;
            for (int i = 1; i < length - 1; i++) ids[i] = 1996 + rnd.nextInt(28000);
            ids[length - 1] = SEP;
            positions[s] = 1 + rnd.nextInt(length - 2);
            ids[positions[s]] = MASK;
            sequences.add(Sequence.of(ids));
        }
        double[] layer0 = new double[positions.length * D], layer12 = new double[positions.length * D];
        try (TensorBundle weights = TensorBundle.open(EasyBert.savedModel());
             Model bert = Models.load(weights, TfBertNames.inferConfig(weights))) {
            for (int s0 = 0; s0 < positions.length; s0 += 10) {
                int s1 = Math.min(positions.length, s0 + 10), first = s0;
                int[] at = java.util.Arrays.copyOfRange(positions, s0, s1);
                bert.forward(Batch.of(sequences.subList(s0, s1)), Hooks.taps(
                        TapRequest.at(Site.EMBED, RowSelection.at(at),
                                (site, block, seq, pos, rows, width, data) -> copy(data, layer0, first + seq)),
                        new TapRequest(Site.BLOCK_OUT, 11, RowSelection.at(at),
                                (site, block, seq, pos, rows, width, data) -> copy(data, layer12, first + seq))));
            }
        }
        Set<Integer> distinct = new TreeSet<>();
        for (int s = 0; s < train; s++) distinct.add(positions[s]);

        TsqrAccumulator acc = new TsqrAccumulator(D, 1, D, LeastSquaresOptions.paper());
        acc.addRows(train, java.util.Arrays.copyOf(layer0, train * D), new double[][]{java.util.Arrays.copyOf(layer12, train * D)});
        LeastSquaresSolution s = acc.solve();
        assertEquals(distinct.size(), s.rank().rank(), "rank against " + distinct.size() + " distinct [MASK] positions: "
                + s.rank().message());
        assertTrue(s.rank().minimumNorm());

        double r2 = heldOutR2(s.mapInDouble(0), layer0, layer12, train, positions.length);
        Problem trainRows = new Problem(train, D, 1, D, java.util.Arrays.copyOf(layer0, train * D),
                new double[][]{java.util.Arrays.copyOf(layer12, train * D)});
        NumpyLstsq.Reference numpy = NumpyLstsq.solve(trainRows, new LeastSquaresOptions(Intercept.NONE, 0, DataPrecision.FLOAT64));
        double numpyR2 = heldOutR2(LstsqReferenceTest.referenceMap(numpy, trainRows, 0), layer0, layer12, train, positions.length);
        System.out.println("layer 0 at [MASK]: " + s.rank().message() + "; held-out r² of 0→12 = " + r2
                + "; numpy float64 lstsq (default cutoff): rank " + numpy.rank() + ", held-out r² " + numpyR2);
        assertTrue(r2 > -1, "held-out r² of the 0→12 map is " + r2 + "; " + s.rank().message());
    }

    /** r² of {@code ŷ = A·x} on rows {@code from..to-1}, against each output's mean over those rows. */
    private static double heldOutR2(double[] a, double[] x, double[] y, int from, int to) {
        double[] mean = new double[D];
        for (int i = from; i < to; i++) {
            for (int o = 0; o < D; o++) mean[o] += y[i * D + o] / (to - from);
        }
        double residual = 0, total = 0;
        for (int i = from; i < to; i++) {
            for (int o = 0; o < D; o++) {
                double pred = 0;
                for (int j = 0; j < D; j++) pred += a[o * D + j] * x[i * D + j];
                double v = y[i * D + o];
                residual += (v - pred) * (v - pred);
                total += (v - mean[o]) * (v - mean[o]);
            }
        }
        return 1 - residual / total;
    }

    private static void copy(MemorySegment rows, double[] into, int sequence) {
        for (int j = 0; j < D; j++) into[sequence * D + j] = rows.getAtIndex(ValueLayout.JAVA_FLOAT, j);
    }
}
