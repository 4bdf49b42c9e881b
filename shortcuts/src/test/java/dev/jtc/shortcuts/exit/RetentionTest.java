package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionTest {

    private static final List<ExitPoint> MAT_SWEEP = List.of(point(Mapping.MAT, 0.9, 6, 1.0),
            point(Mapping.MAT, 0.1, 1, 0.5), point(Mapping.MAT, 0.5, 3.5, 0.96), point(Mapping.MAT, 0.3, 2, 0.8));
    private static final List<ExitPoint> ID_SWEEP = List.of(point(Mapping.ID, 0.1, 1, 0.3),
            point(Mapping.ID, 0.5, 3, 0.7), point(Mapping.ID, 0.9, 5, 0.95), point(Mapping.ID, 1.112, 12, 1));

    private static ExitPoint point(Mapping m, double lambda, double layers, double precision) {
        return new ExitPoint(m, lambda, layers, precision);
    }

    private static List<ExitPoint> fixed(Mapping m, double... precisionPerLayer) {
        List<ExitPoint> curve = new ArrayList<>();
        for (int l = 0; l < precisionPerLayer.length; l++) curve.add(point(m, Double.NaN, l, precisionPerLayer[l]));
        return curve;
    }

    @Test
    void interpolatesBetweenThePointsAroundTheTarget() {
        // (2, 0.8) → (3.5, 0.96): 0.95 is 0.15/0.16 of the way, 2 + 0.9375·1.5.
        assertEquals(3.40625, Retention.layersToReach(MAT_SWEEP, 0.95), 1e-12);
        assertEquals(3.5, Retention.layersToReach(fixed(Mapping.MAT, 0, 0.3, 0.7, 0.9, 1.0), 0.95), 1e-12);
    }

    @Test
    void aPointExactlyAtTheTargetIsItsOwnAnswer() {
        assertEquals(5, Retention.layersToReach(ID_SWEEP, 0.95), 0.0);
        assertEquals(1, Retention.layersToReach(MAT_SWEEP, 0.5), 0.0, "the cheapest point already reaches it");
    }

    @Test
    void ofTwoPointsAtTheSameCostTheMorePreciseCounts() {
        List<ExitPoint> curve = List.of(point(Mapping.MAT, 0.4, 2, 0.8), point(Mapping.MAT, 0.1, 1, 0.5),
                point(Mapping.MAT, 0.5, 2, 0.97));
        assertEquals(1 + (0.95 - 0.5) / (0.97 - 0.5), Retention.layersToReach(curve, 0.95), 1e-12);
    }

    @Test
    void anUnreachedTargetIsNaN() {
        assertTrue(Double.isNaN(Retention.layersToReach(fixed(Mapping.MAT, 0, 0.5, 0.9), 0.95)));
        assertTrue(Double.isNaN(Retention.layersToReach(List.of(), 0.95)));
    }

    @Test
    void theHeadlineComparesMatWithId() {
        List<ExitPoint> sweeps = new ArrayList<>(ID_SWEEP);
        sweeps.addAll(MAT_SWEEP);
        List<ExitPoint> fixedCurves = new ArrayList<>(fixed(Mapping.MAT, 0, 0.3, 0.7, 0.9, 1.0));
        fixedCurves.addAll(fixed(Mapping.ID, 0, 0.1, 0.2, 0.5, 1.0));
        Headline h = Retention.headline(0.95, 12, sweeps, fixedCurves);

        assertEquals(List.of(Mapping.ID, Mapping.MAT), h.rows().stream().map(RetentionRow::mapping).toList());
        assertEquals(5, h.of(Mapping.ID).earlyExitLayers(), 0.0);
        assertEquals(3.9, h.of(Mapping.ID).fixedExitLayers(), 1e-12, "(3, 0.5) → (4, 1.0)");
        assertEquals(3.40625, h.of(Mapping.MAT).earlyExitLayers(), 1e-12);
        // 100 · (5 − 3.40625) / 12
        assertEquals(13.28125, h.savingPercentOfLayers(), 1e-10);
        assertTrue(Double.isNaN(Retention.headline(0.95, 12, MAT_SWEEP, fixedCurves).savingPercentOfLayers()),
                "no id row: no saving");
    }

    @Test
    void refusesATargetOutsideZeroToOneAndAMissingFixedCurve() {
        for (double r : new double[]{0, -0.5, 1.0000001, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Retention.layersToReach(MAT_SWEEP, r));
            assertEquals("the target retention must be in (0, 1], a fraction of the full model's Precision@1 such as 0.95, got "
                    + r + ".", e.getMessage());
        }
        assertEquals(6, Retention.layersToReach(MAT_SWEEP, 1.0), 0.0);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Retention.headline(0.95, 12, MAT_SWEEP, fixed(Mapping.ID, 0, 1)));
        assertEquals("the headline needs the fixed-exit curve of every swept mapping, but \"mat\" has none.", missing.getMessage());
    }
}
