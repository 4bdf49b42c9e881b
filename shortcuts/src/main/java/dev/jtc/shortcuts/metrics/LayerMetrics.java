package dev.jtc.shortcuts.metrics;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.mappings.MappingPredictions;
import dev.jtc.shortcuts.mappings.ValidationPredictions;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's per-layer scores of every mapping (docs/method.md §6): Precision@1, @5 and @10, surprisal, and KL (beyond
 * the paper), each the mean over the validation rows with a 95% percentile-bootstrap interval.
 *
 * <p>One {@link Bootstrap} call covers every mapping, layer and metric, so all of them are resampled with the same
 * row sets and the intervals of two mappings are paired: where one mapping beats another on every resample, it does
 * so on the same rows.
 */
public final class LayerMetrics {

    /** The k of the paper's Precision@k. */
    public static final List<Integer> PAPER_K = List.of(1, 5, 10);

    private LayerMetrics() {
    }

    /**
     * Every metric of every mapping at every layer 0..L, ordered by mapping (as in {@code predictions}), then layer,
     * then Precision@1, @5, @10, surprisal, KL.
     */
    public static List<MetricValue> of(ValidationPredictions predictions, Bootstrap bootstrap) {
        int[][] top10 = predictions.full().top10();
        if (top10.length == 0) throw new IllegalArgumentException("metrics: the predictions hold no validation rows.");
        List<Series> all = new ArrayList<>();
        for (MappingPredictions m : predictions.mappings()) {
            for (int l = 0; l < m.layers(); l++) {
                String where = "metrics of mapping \"" + m.mapping().key() + "\" at layer " + l + ": ";
                try {
                    for (int k : PAPER_K) {
                        all.add(new Series(m.mapping(), l, Metric.PRECISION, k,
                                PrecisionAtK.hits(top10, m.top1()[l], k, predictions.vocabSize())));
                    }
                    all.add(new Series(m.mapping(), l, Metric.SURPRISAL, 0, Surprisal.perRow(m.pFullOfTop1()[l])));
                    all.add(new Series(m.mapping(), l, Metric.KL, 0, widened(m.kl()[l])));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage(), e);
                }
            }
        }
        double[][] values = new double[all.size()][];
        for (int i = 0; i < values.length; i++) values[i] = all.get(i).perRow();
        Bootstrap.Interval[] intervals = bootstrap.intervals(values);
        List<MetricValue> out = new ArrayList<>(all.size());
        for (int i = 0; i < values.length; i++) {
            Series s = all.get(i);
            out.add(new MetricValue(s.mapping(), s.layer(), s.metric(), s.k(), mean(values[i]),
                    intervals[i].lo(), intervals[i].hi()));
        }
        return out;
    }

    /** The row values of one metric of one mapping at one layer. */
    private record Series(Mapping mapping, int layer, Metric metric, int k, double[] perRow) {
    }

    private static double[] widened(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("KL at row " + i + " is " + values[i] + "; it must be finite.");
            }
            out[i] = values[i];
        }
        return out;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }
}
