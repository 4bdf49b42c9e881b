package dev.jtc.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code e^x} in float32 on every lane, from IEEE-exact operations only (compare, blend, add, multiply,
 * fma, integer shifts), so every JIT tier gives the same bits. {@code lanewise(VectorOperators.EXP)} does
 * not: the interpreter and C1 run its Java fallback, {@code Math.exp} per lane, while C2 calls an SVML stub
 * that rounds differently, so a forward pass changed in the last bits as the JIT warmed up.
 *
 * <p>The method: {@code x = n·ln2 + r} with {@code n = rint(x/ln2)}, found by adding 1.5·2²³, which makes
 * the float addition itself round to a whole number and leaves {@code n} in the low bits of the sum (no
 * float-to-int conversion, whose out-of-range results differ between instruction sets); {@code r} by a
 * Cody–Waite split of ln2 into a 15-bit head (so {@code n·head} is exact) and a tail, |r| ≤ 0.347;
 * {@code e^r ≈ 1 + r·(1 + r·P(r))}, P of degree 4 fitted for least maximum relative error (Lawson's
 * iteration in numpy) to 4.4e-9, 0.04 ulp, on |r| ≤ 0.347; then times 2ⁿ as two factors 2^⌊n/2⌋·2^⌈n/2⌉
 * built in the exponent field, so that n = 128 (results just below Float.MAX_VALUE) fits the field and
 * results below 2⁻¹²⁶ round once, to the right subnormal.
 *
 * <p>Error: at most 0.91 ulp against {@code StrictMath.exp}, measured over every float in [−104, 89]
 * (worst 0.909; VectorExpTest sweeps every 7th and all near the two ends), so the result is always one of
 * the two floats around e^x. Up to 0.25 ulp of it is r's own rounding to a float, which only a reduction
 * carried in more than one float would remove. Overflow to +∞ above ln(Float.MAX_VALUE) ≈ 88.72, gradual
 * underflow to +0 below −103.97, {@code exp(−∞) = 0}, {@code exp(+∞) = +∞}, NaN gives NaN: inputs are first
 * clamped to [−104, 89], where the answer is already 0 or +∞, so that n stays in the exponent trick's range.
 * Speed: on par with the SVML stub in C2 (ExpTiming in the kernels' notes, 0.27 ns per float either way).
 *
 * <p>Callers pass and receive vectors, so C2 must inline this (a vector crossing a call is boxed): it does
 * for every hot call site, as long as the caller's graph is not already near C2's node limit.
 */
final class VectorExp {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOWEST = -104f;
    private static final float HIGHEST = 89f;
    private static final float LOG2_E = 0x1.715476p0f;
    /** 1.5·2²³: a float sum in [2²³, 2²⁴) is a whole number, and its low 22 bits hold it (offset by 2²²). */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** ln2 = LN2_HEAD + LN2_TAIL; the head has 15 significant bits, so n·LN2_HEAD is exact for |n| < 2⁸. */
    private static final float LN2_HEAD = 0x1.62e4p-1f;
    /** ln2 − LN2_HEAD rounded to float, written out so no library log decides its bits. */
    private static final float LN2_TAIL = 0x1.7f7d1cp-20f;
    private static final float P0 = 0x1.fffffcp-2f;
    private static final float P1 = 0x1.55549p-3f;
    private static final float P2 = 0x1.5558f6p-5f;
    private static final float P3 = 0x1.123a8ep-7f;
    private static final float P4 = 0x1.6a2318p-10f;
    private static final int EXPONENT_BIAS = 127;
    private static final int MANTISSA_BITS = 23;

    private VectorExp() {
    }

    static FloatVector exp(FloatVector x) {
        // Compare and blend, not min/max: a NaN lane compares false and stays NaN, and on x86 C2 spells
        // Java's min/max (NaN and −0 rules) as a sequence of several instructions.
        FloatVector v = x.blend(LOWEST, x.compare(VectorOperators.LT, LOWEST))
                .blend(HIGHEST, x.compare(VectorOperators.GT, HIGHEST));
        FloatVector shifted = v.fma(LOG2_E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HEAD), v);
        r = n.fma(FloatVector.broadcast(S, -LN2_TAIL), r);
        FloatVector p = r.fma(P4, P3);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P1));
        p = p.fma(r, FloatVector.broadcast(S, P0));
        // 1 + r·(1 + r·P): each fma adds 1 to an exact product, so only the last rounding is at the result's
        // scale; the inner one is damped by |r| ≤ 0.35 (as 1 + (r + r²P) the worst case was 1.01 ulp).
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector y = r.fma(r.fma(p, one), one);
        IntVector k = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector low = half.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
        FloatVector high = k.sub(half).add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS)
                .reinterpretAsFloats();
        return y.mul(low).mul(high);
    }
}
