package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.exit.ExitPoint;
import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.exit.RetentionRow;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Results of an imaginary run, shaped like the paper's (mat above id, precision rising to 1 at the last layer,
 * surprisal falling to 0, attention the most tolerant part, early exit beating fixed exit), from closed forms
 * so that a test knows every number without computing it the way the code under test does.
 *
 * @param layers   L
 * @param mappings the mappings the run has; id and mat always, the three GPT-2 parts and affine as given
 */
public record SyntheticRun(int layers, Set<Mapping> mappings) {

    /** Validation positions behind each mean; sets the width of the binomial confidence intervals. */
    static final int POSITIONS = 2000;
    public static final double RETENTION = 0.95;

    public static SyntheticRun bertLike(int layers) {
        return new SyntheticRun(layers, Set.of(Mapping.ID, Mapping.MAT));
    }

    public static SyntheticRun gpt2Like(int layers) {
        return new SyntheticRun(layers, Set.of(Mapping.ID, Mapping.MAT, Mapping.MAT_ATTN, Mapping.MAT_FFN,
                Mapping.MAT_LN, Mapping.AFFINE));
    }

    /** Precision@k at layer ℓ: {@code floor + (1 − floor)·(ℓ/L)^exponent}, 1 at ℓ = L for every mapping. */
    public double precision(Mapping m, int k, int layer) {
        double floor = switch (m) {
            case ID -> 0.0;
            case MAT, AFFINE -> 0.08;
            case MAT_ATTN -> 0.30;
            case MAT_FFN -> 0.12;
            case MAT_LN -> 0.05;
        };
        double exponent = switch (m) {
            case ID -> 3.0;
            case MAT -> 1.6;
            case AFFINE -> 1.5;
            case MAT_ATTN -> 0.9;
            case MAT_FFN -> 1.4;
            case MAT_LN -> 2.0;
        } / (k == 1 ? 1 : k == 5 ? 1.6 : 2.2);
        return floor + (1 - floor) * Math.pow((double) layer / layers, exponent);
    }

    /** Surprisal (or KL, at half the scale) at layer ℓ: {@code start·(1 − ℓ/L)^shape}, 0 at ℓ = L. */
    public double surprisal(Mapping m, int layer) {
        double start = switch (m) {
            case ID -> 7.0;
            case MAT -> 4.0;
            case AFFINE -> 3.6;
            case MAT_ATTN -> 2.5;
            case MAT_FFN -> 3.5;
            case MAT_LN -> 5.0;
        };
        return start * Math.pow(1 - (double) layer / layers, m == Mapping.ID ? 0.6 : 1.3);
    }

    public List<MetricValue> metrics() {
        List<MetricValue> rows = new ArrayList<>();
        for (Mapping m : Mapping.values()) {
            if (!mappings.contains(m)) continue;
            for (int layer = 0; layer <= layers; layer++) {
                for (int k : new int[]{1, 5, 10}) {
                    double p = precision(m, k, layer);
                    double half = 1.96 * Math.sqrt(p * (1 - p) / POSITIONS);
                    rows.add(new MetricValue(m, layer, Metric.PRECISION, k, p, Math.max(0, p - half),
                            Math.min(1, p + half)));
                }
                double s = surprisal(m, layer);
                rows.add(new MetricValue(m, layer, Metric.SURPRISAL, 0, s, 0.9 * s, 1.1 * s));
                rows.add(new MetricValue(m, layer, Metric.KL, 0, s / 2, 0.45 * s, 0.55 * s));
            }
        }
        return rows;
    }

    /**
     * The λ sweeps of id and mat (the paper's 22 and 13 values): mean layers {@code 1 + (L − 1)·t²} with t the
     * λ's place in [−1.112, 1.112], and Precision@1 {@code 1 − (1 − x/L)^e}, e = 2.2 for id and 3 for mat.
     */
    public List<ExitPoint> sweep() {
        List<ExitPoint> points = new ArrayList<>();
        List<Double> lambdas = new ArrayList<>(List.of(-1.112, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                1.0, 1.112));
        for (Mapping m : List.of(Mapping.MAT, Mapping.ID)) {
            if (m == Mapping.ID) for (int i = 1; i <= 9; i++) lambdas.add(1.0 + 0.0112 * i);
            for (double lambda : lambdas) {
                double t = (lambda + 1.112) / 2.224;
                double x = 1 + (layers - 1) * t * t;
                points.add(new ExitPoint(m, lambda, x, 1 - Math.pow(1 - x / layers, exitExponent(m))));
            }
        }
        return points;
    }

    /** The headline at {@link #RETENTION}, from the inverses of the closed forms above. */
    public Headline headline() {
        List<RetentionRow> rows = new ArrayList<>();
        for (Mapping m : List.of(Mapping.ID, Mapping.MAT)) {
            double early = layers * (1 - Math.pow(1 - RETENTION, 1 / exitExponent(m)));
            double floor = m == Mapping.ID ? 0.0 : 0.08, exponent = m == Mapping.ID ? 3.0 : 1.6;
            double fixed = layers * Math.pow((RETENTION - floor) / (1 - floor), 1 / exponent);
            rows.add(new RetentionRow(m, early, fixed));
        }
        return new Headline(RETENTION, layers, rows);
    }

    private static double exitExponent(Mapping m) {
        return m == Mapping.ID ? 2.2 : 3.0;
    }
}
