package dev.jtc.engine.linalg;

/**
 * The precision the rows were produced in, which sets how small a direction of X may be before the
 * solver calls it noise (see the package documentation). Accumulation is always in double.
 */
public enum DataPrecision {
    /** Rows computed in float32, as the engine's hidden states are: relative rounding 2⁻²⁴. */
    FLOAT32(0x1p-24),
    /** Rows computed in float64: relative rounding 2⁻⁵³. */
    FLOAT64(0x1p-53);

    private final double unitRoundoff;

    DataPrecision(double unitRoundoff) {
        this.unitRoundoff = unitRoundoff;
    }

    /** Half the distance from 1 to the next representable number: the largest relative rounding error. */
    public double unitRoundoff() {
        return unitRoundoff;
    }
}
