package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.ReferencePredictions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitThresholdTest {

    @Test
    void thresholdIsTheCalmFormula() {
        assertEquals(0.9 * 0.5 + 0.1, ExitThreshold.of(0.5, 0, 7.5), 0.0);
        // t = N: exp(−4) ≈ 0.0183156.
        assertEquals(0.9 * 0.2 + 0.1 * 0.018315638888734179, ExitThreshold.of(0.2, 3, 3.0), 1e-16);
        assertTrue(ExitThreshold.of(-1.112, 0, 1.0) < 0, "the lowest λ of the grid lets every confidence exit");
        assertTrue(ExitThreshold.of(1.112, 100, 1.0) > 1, "the highest λ of the grid lets none exit");
    }

    @Test
    void theDecisionIsStrict() {
        assertTrue(ExitThreshold.exits(0.75f, 0.25f, 0.4999999));
        assertFalse(ExitThreshold.exits(0.75f, 0.25f, 0.5));
        assertFalse(ExitThreshold.exits(0.4f, 0.4f, 0.0));
        assertTrue(ExitThreshold.exits(0.4f, 0.4f, -1e-300));
    }

    @Test
    void meanLengthIsTheMeanOfPositionPlusOne() {
        ReferencePredictions full = new ReferencePredictions(new int[3][10], new int[]{0, 4, 9}, new int[]{0, 4, 9});
        assertEquals(16.0 / 3, ExitThreshold.meanLength(full), 0.0);
        ReferencePredictions none = new ReferencePredictions(new int[0][10], new int[0], new int[0]);
        assertThrows(IllegalArgumentException.class, () -> ExitThreshold.meanLength(none));
    }
}
