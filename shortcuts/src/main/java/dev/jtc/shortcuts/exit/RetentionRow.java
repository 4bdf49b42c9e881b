package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

/**
 * The fewest mean layers a mapping needs to keep a target Precision@1: by early exit (its λ sweep, interpolated
 * between λ points) and by a fixed exit layer. {@code Double.NaN} when the target is never reached.
 */
public record RetentionRow(Mapping mapping, double earlyExitLayers, double fixedExitLayers) {
}
