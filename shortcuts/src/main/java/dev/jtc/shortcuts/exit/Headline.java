package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

import java.util.List;

/**
 * The paper's headline (docs/method.md §8): at a target retention of the full model's Precision@1, how many layers early
 * exit needs with each mapping, and how many mat saves over id. Built by {@link Retention#headline}, whose class
 * comment gives the rule (cheapest point at or above the target, interpolated linearly from the point before).
 *
 * @param retention the target Precision@1 against the full model, e.g. 0.95
 * @param blocks    L, the model's number of blocks
 */
public record Headline(double retention, int blocks, List<RetentionRow> rows) {

    public Headline {
        rows = List.copyOf(rows);
    }

    /** The row of {@code m}, or null when the run has no sweep for it. */
    public RetentionRow of(Mapping m) {
        for (RetentionRow r : rows) if (r.mapping() == m) return r;
        return null;
    }

    /**
     * mat's early-exit saving over id in percent of the model's L layers, {@code 100·(layers_id − layers_mat)/L}
     * (the paper's "+7.9% layers"); NaN when either target is not reached.
     */
    public double savingPercentOfLayers() {
        RetentionRow id = of(Mapping.ID);
        RetentionRow mat = of(Mapping.MAT);
        if (id == null || mat == null) return Double.NaN;
        return 100 * (id.earlyExitLayers() - mat.earlyExitLayers()) / blocks;
    }
}
