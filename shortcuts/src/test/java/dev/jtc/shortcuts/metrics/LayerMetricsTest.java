package dev.jtc.shortcuts.metrics;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayerMetricsTest {

    /** The full model's ranking on every row: tokens 5 and 6 tie in logit, and the ranking put 5 fifth, 6 sixth. */
    private static final int[] RANKING = {7, 3, 9, 4, 5, 6, 1, 2, 8, 10};

    /**
     * Three rows, L = 1. Layer 0: top-1s 5 (ranked 5th), 6 (ranked 6th), 7 (ranked 1st), p_full e^0, e^−1, e^−2,
     * KL 0.5, 0.25, 0. Layer 1: the full model itself.
     */
    private static ValidationPredictions handCase(Mapping... mappings) {
        int[][] top10 = {RANKING.clone(), RANKING.clone(), RANKING.clone()};
        ReferencePredictions full = new ReferencePredictions(top10, new int[]{0, 1, 2}, new int[]{0, 1, 2});
        List<MappingPredictions> out = new ArrayList<>();
        for (Mapping m : mappings) {
            int[][] top1 = {{5, 6, 7}, {7, 7, 7}};
            float[][] pFull = {{1f, (float) Math.exp(-1), (float) Math.exp(-2)}, {1f, 1f, 1f}};
            float[][] kl = {{0.5f, 0.25f, 0f}, {0f, 0f, 0f}};
            float[][] p = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
            out.add(new MappingPredictions(m, top1, p, p, pFull, kl));
        }
        return new ValidationPredictions(1, 50, full, out);
    }

    @Test
    void handComputedMeansWithTiesDecidedByTheRanking() {
        List<MetricValue> values = LayerMetrics.of(handCase(Mapping.MAT), new Bootstrap(200, 1));
        assertEquals(10, values.size());
        // Layer 0: P@1 = 1/3 (row 2); P@5 = 2/3 (rows 0 and 2: 5 is ranked 5th, 6 is not); P@10 = 1.
        assertEquals(1.0 / 3, values.get(0).value(), 0.0);
        assertEquals(2.0 / 3, values.get(1).value(), 0.0);
        assertEquals(1.0, values.get(2).value(), 0.0);
        assertEquals(1.0, values.get(3).value(), 1e-7, "surprisal (0 + 1 + 2) / 3");
        assertEquals(0.25, values.get(4).value(), 0.0, "KL (0.5 + 0.25 + 0) / 3");
        // Layer 1 is the full model: every precision 1, surprisal and KL 0, with intervals of no width.
        for (MetricValue v : values.subList(5, 10)) {
            double expected = v.metric() == Metric.PRECISION ? 1 : 0;
            assertEquals(new MetricValue(Mapping.MAT, 1, v.metric(), v.k(), expected, expected, expected), v);
        }
    }

    @Test
    void orderIsMappingAsGivenThenLayerThenMetric() {
        List<MetricValue> values = LayerMetrics.of(handCase(Mapping.MAT, Mapping.ID), new Bootstrap(10, 1));
        List<String> keys = values.stream().map(v -> v.mapping().key() + " " + v.layer() + " " + v.metric().key() + " " + v.k()).toList();
        List<String> expected = new ArrayList<>();
        for (String m : List.of("mat", "id")) {
            for (int l = 0; l <= 1; l++) {
                for (String metric : List.of("precision 1", "precision 5", "precision 10", "surprisal 0", "kl 0")) {
                    expected.add(m + " " + l + " " + metric);
                }
            }
        }
        assertEquals(expected, keys);
    }

    @Test
    void oneRowHasItsOwnValueAsMeanAndInterval() {
        ReferencePredictions full = new ReferencePredictions(new int[][]{RANKING.clone()}, new int[]{3}, new int[]{3});
        float[][] p = {{0.25f}};
        MappingPredictions id = new MappingPredictions(Mapping.ID, new int[][]{{4}}, p, p, p, new float[][]{{0.125f}});
        List<MetricValue> values = LayerMetrics.of(new ValidationPredictions(0, 50, full, List.of(id)), new Bootstrap(100, 3));
        double surprisal = -Math.log(0.25);
        assertEquals(List.of(new MetricValue(Mapping.ID, 0, Metric.PRECISION, 1, 0, 0, 0),
                new MetricValue(Mapping.ID, 0, Metric.PRECISION, 5, 1, 1, 1),
                new MetricValue(Mapping.ID, 0, Metric.PRECISION, 10, 1, 1, 1),
                new MetricValue(Mapping.ID, 0, Metric.SURPRISAL, 0, surprisal, surprisal, surprisal),
                new MetricValue(Mapping.ID, 0, Metric.KL, 0, 0.125, 0.125, 0.125)), values);
    }

    @Test
    void theSurprisalOfACertainTokenIsZero() {
        assertEquals(0.0, Surprisal.perRow(new float[]{1f})[0], 0.0);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Surprisal.perRow(new float[]{1f})[0]),
                "+0.0, not −0.0, so the CSV never shows -0.0");
    }

    @Test
    void kOutsideOneToTenOrBeyondTheVocabularyIsRefused() {
        int[][] top10 = {RANKING.clone()};
        int[] top1 = {7};
        assertEquals("Precision@k needs k from 1 to 10 (the full model's ranking is kept to its ten best tokens), got k = 0.",
                assertThrows(IllegalArgumentException.class, () -> PrecisionAtK.hits(top10, top1, 0, 50)).getMessage());
        assertEquals("Precision@k needs k from 1 to 10 (the full model's ranking is kept to its ten best tokens), got k = 11.",
                assertThrows(IllegalArgumentException.class, () -> PrecisionAtK.hits(top10, top1, 11, 50)).getMessage());
        assertEquals("Precision@5 is meaningless over a vocabulary of 4 tokens; k must be at most the vocabulary size.",
                assertThrows(IllegalArgumentException.class, () -> PrecisionAtK.hits(top10, top1, 5, 4)).getMessage());
    }

    @Test
    void aZeroProbabilityIsRefusedRatherThanAveragedAsInfinity() {
        ValidationPredictions p = handCase(Mapping.AFFINE);
        p.of(Mapping.AFFINE).pFullOfTop1()[1][2] = 0f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerMetrics.of(p, new Bootstrap(10, 1)));
        assertEquals("metrics of mapping \"affine\" at layer 1: surprisal: the full model's probability of the shortcut's "
                + "top-1 at row 2 is 0.0; it must be in (0, 1] for −ln p to be finite.", e.getMessage());
    }

    @Test
    void meansMatchTheNumpyReference(@TempDir Path dir) throws Exception {
        ValidationPredictions p = RandomPredictions.of(17, 12, 500, 1000, List.of(Mapping.ID, Mapping.MAT, Mapping.MAT_FFN));
        NumpyResultsReference reference = NumpyResultsReference.of(dir, p);
        List<MetricValue> ours = LayerMetrics.of(p, new Bootstrap(20, 5));
        assertEquals(3 * 13 * 5, ours.size());
        List<Executable> checks = new ArrayList<>();
        for (MetricValue v : ours) {
            String key = v.mapping().key() + " " + v.layer() + " " + v.metric().key() + " " + v.k();
            Double expected = reference.metrics().get(key);
            checks.add(() -> assertEquals(expected, v.value(), 1e-9, key));
        }
        assertAll(checks);
    }
}
