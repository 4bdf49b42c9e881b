package dev.jtc.engine.linalg;

/**
 * The relative cutoff τ below which a pivoted-QR diagonal element of the equilibrated X counts as
 * zero: {@code τ = √p·u + p·ε}, u the data's unit roundoff and ε = 2⁻⁵² double's machine epsilon.
 *
 * <p>Why: rows rounded to precision u are X + E with {@code |E_ij| ≤ u·|X_ij|}, so after scaling X's
 * columns to unit norm {@code ‖E‖₂ ≤ ‖E‖_F ≤ u·√p}, while the largest singular value is at least 1.
 * A direction whose singular value is below √p·u relative to the largest is therefore
 * indistinguishable from the rounding of the data; fitting it makes the map amplify that rounding
 * (and, off the training rows, anything else) by up to 1/σ. The p·ε term covers the double-precision
 * factorisation's own backward error, which is what limits float64 data. For p = 768 this is
 * τ ≈ 1.7e-6 for float32 data and ≈ 1.7e-13 for float64 data. numpy's lstsq default, ε·max(n, p)
 * (2e-12 for n = 9,000 rows), ignores the data's precision and so keeps float32 noise directions
 * (around 1e-7) as if they were signal.
 */
final class RankCutoff {

    private RankCutoff() {
    }

    static double of(DataPrecision precision, int p) {
        return Math.sqrt(p) * precision.unitRoundoff() + p * Math.ulp(1.0);
    }
}
