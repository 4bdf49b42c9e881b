package dev.jtc.shortcuts.metrics;

import dev.jtc.shortcuts.mappings.Mapping;

/**
 * One row of {@code metrics.csv}: a metric of a mapping at a layer with its 95% confidence interval.
 *
 * @param k 1, 5 or 10 for {@link Metric#PRECISION}; 0 for the others (written as an empty field)
 */
public record MetricValue(Mapping mapping, int layer, Metric metric, int k, double value, double lo, double hi) {
}
