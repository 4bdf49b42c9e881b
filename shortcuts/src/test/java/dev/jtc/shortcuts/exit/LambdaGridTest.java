package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LambdaGridTest {

    /** The paper's values as typed; parsing gives the double nearest each decimal. */
    private static double[] parse(String... decimals) {
        double[] out = new double[decimals.length];
        for (int i = 0; i < decimals.length; i++) out[i] = Double.parseDouble(decimals[i]);
        return out;
    }

    @Test
    void everyMappingButIdSweepsThirteenValues() {
        double[] expected = parse("-1.112", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "1.112");
        for (Mapping m : Mapping.values()) {
            if (m != Mapping.ID) assertArrayEquals(expected, LambdaGrid.paper(m), 0.0, m.key());
        }
    }

    @Test
    void idAddsNineStepsOf0_0112BetweenOneAnd1_112() {
        double[] expected = parse("-1.112", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0",
                "1.0112", "1.0224", "1.0336", "1.0448", "1.056", "1.0672", "1.0784", "1.0896", "1.1008", "1.112");
        assertArrayEquals(expected, LambdaGrid.paper(Mapping.ID), 0.0);
    }
}
