package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

/**
 * The λ values the paper sweeps (its plotting code): −1.112, 0, 0.1, …, 1.0 and 1.112 for every mapping, and for
 * id nine more between 1.0 and 1.112 in steps of 0.0112, where id's precision is still rising. The two ends make
 * the curve span its whole range: at −1.112 the threshold is below every confidence (all rows exit at layer 1),
 * at 1.112 above every confidence (no row exits).
 *
 * <p>Each value is built from integers (k/10, 1112/1000, (10000 + 112k)/10000) so that it is the double nearest
 * the decimal, exactly what {@link Double#parseDouble} gives for the paper's literal: CSV files print the familiar
 * decimals and other tools that type them in make the same decisions.
 */
public final class LambdaGrid {

    private static final int MAIN_STEPS = 10;
    private static final int ID_STEPS = 9;

    private LambdaGrid() {
    }

    /** The paper's grid for {@code mapping}, ascending: 22 values for id, 13 for every other mapping. */
    public static double[] paper(Mapping mapping) {
        int extra = mapping == Mapping.ID ? ID_STEPS : 0;
        double[] grid = new double[MAIN_STEPS + 3 + extra];
        int at = 0;
        grid[at++] = -1112 / 1000.0;
        for (int k = 0; k <= MAIN_STEPS; k++) grid[at++] = k / 10.0;
        for (int k = 1; k <= extra; k++) grid[at++] = (10000 + 112 * k) / 10000.0;
        grid[at] = 1112 / 1000.0;
        return grid;
    }
}
