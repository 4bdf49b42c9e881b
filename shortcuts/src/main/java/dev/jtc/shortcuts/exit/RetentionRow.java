package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

/**
 * The fewest mean layers a mapping needs to keep a target Precision@1: by early exit (its λ sweep, interpolated
 * between λ points) and by a fixed exit layer. {@code Double.NaN} when the target is never reached. Both come from
 * {@link Retention#layersToReach}: the cheapest point reaching the target, interpolated linearly at the target from the
 * point before it when that one falls short.
 */
public record RetentionRow(Mapping mapping, double earlyExitLayers, double fixedExitLayers) {
}
