package dev.jtc.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VectorExp against {@code StrictMath.exp} (fdlibm, within one double ulp, so its float rounding is a
 * reference far finer than the float ulps measured here), over a dense sweep of the floats softmax and
 * GELU feed it and over the special values.
 */
class VectorExpTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** VectorExp's documented bound: every float in [−104, 89] (a 20 s sweep, too slow to repeat here) gave 0.909. */
    private static final double MAX_ULPS = 0.91;

    /** Every 7th float in [−104, 89], both signs: everything from "rounds to 0" to "overflows to ∞". */
    @Test
    void withinBoundOfStrictMathOverTheWholeFiniteRange() {
        double worst = Math.max(sweep(0, Float.floatToRawIntBits(89f), 7),
                sweep(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(-104f), 7));
        assertTrue(worst <= MAX_ULPS, "max error " + worst + " ulp");
    }

    /** Every float near the two ends, where the scaling by 2ⁿ must overflow or go subnormal exactly once. */
    @Test
    void everyFloatNearOverflowAndUnderflowIsWithinBound() {
        int top = Float.floatToRawIntBits(89f), bottom = Float.floatToRawIntBits(-104f);
        double worst = Math.max(sweep(Float.floatToRawIntBits(88f), top, 1),
                sweep(Float.floatToRawIntBits(-86f), bottom, 1));
        assertTrue(worst <= MAX_ULPS, "max error " + worst + " ulp");
    }

    @Test
    void specialValues() {
        assertEquals(0f, exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(exp(Float.NaN)));
        assertEquals(1f, exp(0f));
        assertEquals(1f, exp(-0f));
        assertEquals(0f, exp(-1e30f));
        assertEquals(Float.POSITIVE_INFINITY, exp(1e30f));
        assertEquals(Float.POSITIVE_INFINITY, exp(88.7229f));
        assertEquals((float) StrictMath.exp(88.72283f), exp(88.72283f));
        assertEquals(Float.MIN_VALUE, exp(-103.27893f));
        assertEquals(0f, exp(-103.98f));
    }

    private static float exp(float x) {
        return VectorExp.exp(FloatVector.broadcast(S, x)).lane(0);
    }

    /**
     * The worst error in ulps over the floats whose bit patterns run from {@code from} towards {@code to}
     * (same sign) in steps of {@code stride}. An ulp is that of the correctly rounded float result, so a
     * subnormal result is measured in units of {@code Float.MIN_VALUE}.
     */
    private static double sweep(int from, int to, int stride) {
        int step = to >= from ? stride : -stride;
        float[] in = new float[S.length()], out = new float[S.length()];
        double worst = 0;
        int filled = 0;
        for (long bits = from; step > 0 ? bits <= to : bits >= to; bits += step) {
            in[filled++] = Float.intBitsToFloat((int) bits);
            if (filled == in.length || bits + step > to == step > 0 && bits + step < to == step < 0) {
                VectorExp.exp(FloatVector.fromArray(S, in, 0)).intoArray(out, 0);
                for (int i = 0; i < filled; i++) worst = Math.max(worst, ulps(in[i], out[i]));
                filled = 0;
            }
        }
        return worst;
    }

    private static double ulps(float x, float y) {
        double exact = StrictMath.exp(x);
        float rounded = (float) exact;
        if (Float.isInfinite(rounded)) return y == rounded ? 0 : Double.POSITIVE_INFINITY;
        return Math.abs(y - exact) / Math.ulp(rounded);
    }
}
