package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How many layers a curve of exit points needs to keep a target fraction r of the full model's Precision@1, and the
 * paper's headline built from it (docs/method.md §8).
 *
 * <p>The rule, for a sweep and for a fixed-exit curve alike: sort the points by mean layers, ties by higher
 * precision first, and walk them. The first point with precision ≥ r gives the answer: its mean layers when it is
 * the first point, otherwise the linear interpolation at precision = r between it and the point before (which is
 * below r, or the walk would have stopped there). For the fixed curve this interpolates between whole layers. A
 * curve that never reaches r has no answer, {@code NaN}. Interpolating rather than taking the next point matters:
 * the sweep's points are λ-spaced, not layer-spaced, and the next point can be a whole layer further.
 */
public final class Retention {

    /** The paper's target: 95% of the full model's Precision@1. */
    public static final double PAPER_TARGET = 0.95;

    private static final Comparator<ExitPoint> CHEAPEST_THEN_MOST_PRECISE =
            Comparator.comparingDouble(ExitPoint::meanLayers).thenComparing(Comparator.comparingDouble(ExitPoint::precision1).reversed());

    private Retention() {
    }

    /** The fewest mean layers at which {@code curve} keeps Precision@1 ≥ {@code retention}, or NaN. */
    public static double layersToReach(List<ExitPoint> curve, double retention) {
        checkRetention(retention);
        List<ExitPoint> sorted = new ArrayList<>(curve);
        sorted.sort(CHEAPEST_THEN_MOST_PRECISE);
        ExitPoint before = null;
        for (ExitPoint p : sorted) {
            if (p.precision1() >= retention) {
                if (before == null) return p.meanLayers();
                double share = (retention - before.precision1()) / (p.precision1() - before.precision1());
                return before.meanLayers() + share * (p.meanLayers() - before.meanLayers());
            }
            before = p;
        }
        return Double.NaN;
    }

    /**
     * The headline at {@code retention}: a row for every mapping of {@code sweeps}, in order of first appearance,
     * with its early-exit layers from its sweep and its fixed-exit layers from its points in {@code fixed}, which
     * must hold them.
     */
    public static Headline headline(double retention, int blocks, List<ExitPoint> sweeps, List<ExitPoint> fixed) {
        checkRetention(retention);
        if (blocks < 1) throw new IllegalArgumentException("the headline needs a model of at least 1 block, got " + blocks + ".");
        Set<Mapping> swept = new LinkedHashSet<>();
        for (ExitPoint p : sweeps) swept.add(p.mapping());
        List<RetentionRow> rows = new ArrayList<>(swept.size());
        for (Mapping m : swept) {
            List<ExitPoint> curve = of(m, fixed);
            if (curve.isEmpty()) {
                throw new IllegalArgumentException("the headline needs the fixed-exit curve of every swept mapping, but \""
                        + m.key() + "\" has none.");
            }
            rows.add(new RetentionRow(m, layersToReach(of(m, sweeps), retention), layersToReach(curve, retention)));
        }
        return new Headline(retention, blocks, rows);
    }

    private static List<ExitPoint> of(Mapping m, List<ExitPoint> points) {
        List<ExitPoint> mine = new ArrayList<>();
        for (ExitPoint p : points) if (p.mapping() == m) mine.add(p);
        return mine;
    }

    private static void checkRetention(double retention) {
        if (!(retention > 0 && retention <= 1)) {
            throw new IllegalArgumentException("the target retention must be in (0, 1], a fraction of the full model's "
                    + "Precision@1 such as 0.95, got " + retention + ".");
        }
    }
}
