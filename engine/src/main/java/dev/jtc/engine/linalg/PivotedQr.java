package dev.jtc.engine.linalg;

import java.util.Arrays;

/**
 * Column-pivoted Householder QR of a square matrix, {@code A·P = Q·R}, in the manner of LAPACK's
 * xGEQP3: at each step the remaining column of largest norm moves to the front, and the column norms
 * are downdated rather than recomputed (recomputed only when the downdate has cancelled too far to be
 * trusted). The diagonal of R then falls in magnitude, which is what lets the solver read a numerical
 * rank off it.
 *
 * <p>The factorisation is level 2 (p³ work on a p × p matrix, small next to the streaming), kept
 * column-major so that each reflector meets each trailing column once, while it is in L1: one dot
 * product and one update per column rather than two sweeps over a row-major matrix. Applying Qᵀ to
 * the right-hand sides, p² per column of them, goes through the {@link DenseKernels} in compact-WY
 * panels of {@link #PANEL} reflectors.
 */
final class PivotedQr {

    /** Reflectors per compact-WY panel when applying Qᵀ: wide enough that every product has a long K. */
    static final int PANEL = 128;
    /** LAPACK's threshold: a downdated norm below √ε of its last computed value is recomputed. */
    private static final double RECOMPUTE = Math.sqrt(Math.ulp(1.0));

    private final int p;
    /** R on and above the diagonal, reflector vectors (below their implicit 1) under it; column-major. */
    private final double[] a;
    private final double[] tau;
    private final int[] pivots;

    private PivotedQr(int p, double[] a, double[] tau, int[] pivots) {
        this.p = p;
        this.a = a;
        this.tau = tau;
        this.pivots = pivots;
    }

    /** Factors {@code a} (p × p column-major) in place. */
    static PivotedQr factor(double[] a, int p) {
        double[] tau = new double[p];
        int[] pivots = new int[p];
        double[] full = new double[p], partial = new double[p];
        for (int j = 0; j < p; j++) {
            pivots[j] = j;
            full[j] = partial[j] = Math.sqrt(Dot.squaredNorm(a, j * p, 1, p));
        }
        double[] swap = new double[p];
        for (int k = 0; k < p; k++) {
            int best = k;
            for (int j = k + 1; j < p; j++) if (partial[j] > partial[best]) best = j;
            if (best != k) {
                System.arraycopy(a, k * p, swap, 0, p);
                System.arraycopy(a, best * p, a, k * p, p);
                System.arraycopy(swap, 0, a, best * p, p);
                int pv = pivots[k]; pivots[k] = pivots[best]; pivots[best] = pv;
                partial[best] = partial[k];
                full[best] = full[k];
            }
            int col = k * p, below = p - k - 1;
            Householder h = Householder.of(a[col + k], Dot.squaredNorm(a, col + k + 1, 1, below));
            tau[k] = h.tau();
            a[col + k] = h.beta();
            for (int i = k + 1; i < p; i++) a[col + i] *= h.scale();
            for (int j = k + 1; j < p; j++) {
                int cj = j * p;
                if (h.tau() != 0) {
                    double f = h.tau() * (a[cj + k] + Dot.product(a, col + k + 1, a, cj + k + 1, below));
                    a[cj + k] -= f;
                    for (int i = k + 1; i < p; i++) a[cj + i] -= f * a[col + i];
                }
                if (partial[j] == 0) continue;
                double ratio = Math.abs(a[cj + k]) / partial[j];
                double left = Math.max(0, (1 - ratio) * (1 + ratio));
                double drift = left * (partial[j] / full[j]) * (partial[j] / full[j]);
                if (drift <= RECOMPUTE) {
                    partial[j] = full[j] = Math.sqrt(Dot.squaredNorm(a, cj + k + 1, 1, below));
                } else {
                    partial[j] *= Math.sqrt(left);
                }
            }
        }
        return new PivotedQr(p, a, tau, pivots);
    }

    /** |R[k, k]|. */
    double diagonal(int k) {
        return Math.abs(a[k * p + k]);
    }

    /** R[i, j] for i ≤ j. */
    double r(int i, int j) {
        return a[j * p + i];
    }

    /** The original column at position k of A·P. */
    int pivot(int k) {
        return pivots[k];
    }

    /** {@code c} (p × m row-major) becomes {@code Qᵀ·c}, panel by panel as {@code c − V·Tᵀ·(Vᵀ·c)}. */
    void applyTransposed(double[] c, int m, DenseKernels kernels) {
        double[] w = new double[Math.min(PANEL, p) * m], w2 = new double[w.length];
        double[] t = new double[PANEL * PANEL], g = new double[PANEL];
        for (int k0 = 0; k0 < p; k0 += PANEL) {
            int k1 = Math.min(p, k0 + PANEL), nb = k1 - k0, len = p - k0;
            double[] v = new double[nb * len]; // the panel's reflectors as dense columns (unit diagonal, zeros above)
            for (int j = 0; j < nb; j++) {
                v[j * len + j] = 1;
                System.arraycopy(a, (k0 + j) * p + k0 + j + 1, v, j * len + j + 1, len - j - 1);
            }
            Arrays.fill(t, 0);
            for (int i = 0; i < nb; i++) {
                t[i * nb + i] = tau[k0 + i];
                for (int q = 0; q < i; q++) g[q] = Dot.product(v, q * len, v, i * len, len);
                for (int l = 0; l < i; l++) {
                    double s = 0;
                    for (int q = l; q < i; q++) s += t[l * nb + q] * g[q];
                    t[l * nb + i] = -tau[k0 + i] * s;
                }
            }
            MatrixView vt = new MatrixView(v, 0, len, 1);
            Arrays.fill(w, 0, nb * m, 0);
            kernels.multiply(nb, m, len, vt, MatrixView.rowMajor(c, k0 * m, m), MatrixView.rowMajor(w, 0, m), Accumulate.ADD);
            Arrays.fill(w2, 0, nb * m, 0);
            kernels.multiply(nb, m, nb, new MatrixView(t, 0, 1, nb), MatrixView.rowMajor(w, 0, m),
                    MatrixView.rowMajor(w2, 0, m), Accumulate.ADD);
            kernels.multiply(len, m, nb, vt.transposed(), MatrixView.rowMajor(w2, 0, m), MatrixView.rowMajor(c, k0 * m, m),
                    Accumulate.SUBTRACT);
        }
    }
}
