package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

/**
 * One point of an early-exit sweep: at threshold parameter λ, the mean layers processed and Precision@1 (docs/method.md §7).
 * A point of the fixed-exit curve ({@link ExitSweep#fixed}) has λ = {@code NaN}.
 */
public record ExitPoint(Mapping mapping, double lambda, double meanLayers, double precision1) {
}
