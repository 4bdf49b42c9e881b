package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metric values of one run as curves over layers 0..L, one per mapping, metric and k, checked once so
 * that every figure and the report can draw or tabulate them without re-checking: every row finite, inside
 * its own confidence interval, precision within [0, 1], no row twice, and every curve present at every
 * layer of the run. L is the highest layer any row names.
 */
public final class MetricCurves {

    /** One mapping's metric by layer with its 95% interval; {@code lo(ℓ) ≤ value(ℓ) ≤ hi(ℓ)}. */
    public static final class Curve {
        private final Mapping mapping;
        private final double[] value, lo, hi;

        private Curve(Mapping mapping, int length) {
            this.mapping = mapping;
            this.value = unseen(length);
            this.lo = unseen(length);
            this.hi = unseen(length);
        }

        public Mapping mapping() {
            return mapping;
        }

        public double value(int layer) {
            return value[layer];
        }

        public double lo(int layer) {
            return lo[layer];
        }

        public double hi(int layer) {
            return hi[layer];
        }

        /** Copies for a chart, which keeps the arrays it is given. */
        double[] values() {
            return value.clone();
        }

        double[] lows() {
            return lo.clone();
        }

        double[] highs() {
            return hi.clone();
        }
    }

    private record Key(Mapping mapping, Metric metric, int k) {
        String describe() {
            return mapping.key() + " " + metric.key() + (metric == Metric.PRECISION ? "@" + k : "");
        }
    }

    /** Relative distance by which a row may sit outside its interval and still count as inside. */
    private static final double ROUNDING = 1e-9;

    private final int layers;
    private final Map<Key, Curve> curves;

    private MetricCurves(int layers, Map<Key, Curve> curves) {
        this.layers = layers;
        this.curves = curves;
    }

    /** Indexes and checks {@code values}; a problem is one IllegalArgumentException sentence naming the row. */
    public static MetricCurves of(List<MetricValue> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("metric values: none were given; expected one row per mapping, "
                    + "metric and layer 0..L.");
        }
        int layers = 0;
        for (int i = 0; i < values.size(); i++) {
            MetricValue v = values.get(i);
            check(v, i);
            layers = Math.max(layers, v.layer());
        }
        if (layers < 1) {
            throw new IllegalArgumentException("metric values: every row is at layer 0; expected layers 0..L with L ≥ 1.");
        }
        int length = layers + 1;
        Map<Key, Curve> curves = new HashMap<>();
        for (MetricValue v : values) {
            Key key = new Key(v.mapping(), v.metric(), v.k());
            Curve c = curves.computeIfAbsent(key, k -> new Curve(k.mapping(), length));
            if (!Double.isNaN(c.value[v.layer()])) {
                throw new IllegalArgumentException("metric values: " + key.describe() + " at layer " + v.layer()
                        + " appears twice.");
            }
            c.value[v.layer()] = v.value();
            c.lo[v.layer()] = v.lo();
            c.hi[v.layer()] = v.hi();
        }
        for (Map.Entry<Key, Curve> e : curves.entrySet()) {
            for (int layer = 0; layer <= layers; layer++) {
                if (Double.isNaN(e.getValue().value(layer))) {
                    throw new IllegalArgumentException("metric values: " + e.getKey().describe() + " has no value at "
                            + "layer " + layer + "; every curve needs one at each layer 0.." + layers + ".");
                }
            }
        }
        return new MetricCurves(layers, Map.copyOf(curves));
    }

    /** L, the run's number of blocks: curves run over layers 0..L. */
    public int layers() {
        return layers;
    }

    public boolean has(Mapping mapping, Metric metric, int k) {
        return curves.containsKey(new Key(mapping, metric, k));
    }

    /** The curve, or an IllegalArgumentException sentence saying that {@code purpose} needs it. */
    public Curve curve(Mapping mapping, Metric metric, int k, String purpose) {
        Key key = new Key(mapping, metric, k);
        Curve c = curves.get(key);
        if (c == null) {
            throw new IllegalArgumentException(purpose + " needs " + key.describe() + " by layer, but the metric "
                    + "values have no such rows.");
        }
        return c;
    }

    private static void check(MetricValue v, int row) {
        if (v == null || v.mapping() == null || v.metric() == null) {
            throw new IllegalArgumentException("metric values: row " + row + " is null or has no mapping or metric.");
        }
        String what = new Key(v.mapping(), v.metric(), v.k()).describe() + " at layer " + v.layer();
        boolean precision = v.metric() == Metric.PRECISION;
        if (precision ? v.k() != 1 && v.k() != 5 && v.k() != 10 : v.k() != 0) {
            throw new IllegalArgumentException("metric values: " + what + " has k = " + v.k() + "; k must be 1, 5 "
                    + "or 10 for precision and 0 for surprisal and kl.");
        }
        if (v.layer() < 0) throw new IllegalArgumentException("metric values: " + what + " names a negative layer.");
        // A bootstrap over identical values can put a bound an ulp past the mean it was summed differently
        // from; that is rounding, not an inconsistent row.
        double slack = ROUNDING * Math.max(1, Math.abs(v.value()));
        boolean inside = v.lo() - slack <= v.value() && v.value() <= v.hi() + slack && v.lo() <= v.hi();
        if (!inside || !Double.isFinite(v.value()) || !Double.isFinite(v.lo()) || !Double.isFinite(v.hi())) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "metric values: %s has value %s outside "
                    + "its 95%% interval [%s, %s]; expected finite lo ≤ value ≤ hi.", what, v.value(), v.lo(), v.hi()));
        }
        if (precision && (v.lo() < -slack || v.hi() > 1 + slack)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "metric values: %s has interval [%s, %s]; "
                    + "a precision lies within [0, 1].", what, v.lo(), v.hi()));
        }
    }

    /** A curve's storage before its rows arrive: NaN marks a layer not yet seen (rows are checked finite). */
    private static double[] unseen(int length) {
        double[] a = new double[length];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
