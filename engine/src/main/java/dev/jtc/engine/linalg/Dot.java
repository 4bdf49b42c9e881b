package dev.jtc.engine.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products for the level-2 work (building reflectors, their T factors, the panels), in an order
 * that never depends on the JIT tier, so factorisations give the same bits interpreted or compiled.
 */
final class Dot {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Dot() {
    }

    /** Sum of squares of {@code n} elements at {@code x[off], x[off + stride], …}. */
    static double squaredNorm(double[] x, int off, int stride, int n) {
        return stride == 1 ? product(x, off, x, off, n) : strided(x, off, stride, x, off, stride, n);
    }

    /**
     * {@code Σ x_i·y_i} over {@code n} contiguous elements: two vector accumulators of fused multiply-adds,
     * then their lanes summed one by one in lane order (not {@code reduceLanes}, whose order may differ
     * between the interpreter and C2), then the scalar tail: the same bits in every JIT tier.
     */
    static double product(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            s0 = DoubleVector.fromArray(S, x, xo + i).fma(DoubleVector.fromArray(S, y, yo + i), s0);
            s1 = DoubleVector.fromArray(S, x, xo + i + L).fma(DoubleVector.fromArray(S, y, yo + i + L), s1);
        }
        for (; i + L <= n; i += L) s0 = DoubleVector.fromArray(S, x, xo + i).fma(DoubleVector.fromArray(S, y, yo + i), s0);
        DoubleVector sum = s0.add(s1);
        double s = 0;
        for (int lane = 0; lane < L; lane++) s += sum.lane(lane);
        for (; i < n; i++) s = Math.fma(x[xo + i], y[yo + i], s);
        return s;
    }

    /** {@code Σ x_i·y_i} over {@code n} strided elements, four partial sums combined in a fixed order. */
    static double strided(double[] x, int xo, int xs, double[] y, int yo, int ys, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xo + i * xs] * y[yo + i * ys];
            s1 += x[xo + (i + 1) * xs] * y[yo + (i + 1) * ys];
            s2 += x[xo + (i + 2) * xs] * y[yo + (i + 2) * ys];
            s3 += x[xo + (i + 3) * xs] * y[yo + (i + 3) * ys];
        }
        for (; i < n; i++) s0 += x[xo + i * xs] * y[yo + i * ys];
        return (s0 + s1) + (s2 + s3);
    }
}
