package dev.jtc.engine.linalg;

/**
 * One Householder reflector {@code H = I − τ·v·vᵀ}, {@code v = (1, scale·x)}, chosen (as LAPACK's
 * xLARFG chooses it) so that {@code H·(α, x) = (β, 0)}: β takes the sign opposite to α, so
 * {@code α − β} never cancels. A zero {@code x} gives the identity (τ = 0) and leaves α alone.
 */
record Householder(double beta, double tau, double scale) {

    static Householder of(double alpha, double xSquaredNorm) {
        if (xSquaredNorm == 0) return new Householder(alpha, 0, 0);
        double beta = -Math.copySign(Math.hypot(alpha, Math.sqrt(xSquaredNorm)), alpha);
        return new Householder(beta, (beta - alpha) / beta, 1 / (alpha - beta));
    }

    /** Sum of squares of {@code n} elements at {@code x[off], x[off + stride], …}; four partial sums in a fixed order. */
    static double squaredNorm(double[] x, int off, int stride, int n) {
        return dot(x, off, stride, x, off, stride, n);
    }

    /**
     * {@code Σ x_i·y_i} over {@code n} strided elements. Four interleaved partial sums (for speed; a
     * single chain waits on each add) combined in a fixed order, so the result never depends on the
     * JIT tier.
     */
    static double dot(double[] x, int xo, int xs, double[] y, int yo, int ys, int n) {
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
