package dev.jtc.engine.linalg;

import java.util.Arrays;

/**
 * Solves {@code min ‖R·Z − C‖} for a p × p upper-triangular R (the accumulated factor of X) and its
 * p × m right-hand sides {@code C = Qᵀ·Y}, deciding the numerical rank first.
 *
 * <p>Unpivoted streaming QR cannot show rank, so: scale R's columns to unit norm (they are X's column
 * norms, so the scaling is X's equilibration and the rank no longer depends on the units of each
 * coordinate), factor the scaled R with column pivoting, {@code R·D⁻¹·P = Q₂·R₂}, and keep the r
 * leading columns whose diagonal is above {@code cutoff·|R₂[0,0]|}. With full rank, Z is R₂'s back
 * substitution. With r < p, the dropped trailing block of R₂ is taken as zero and the minimum-norm Z
 * of what is left is found by an RZ factorisation of R₂'s first r rows (LAPACK's xGELSY does the
 * same); the scaling is undone before that, so the norm minimised is that of the unscaled Z.
 */
final class RankRevealingSolver {

    /** Rows per block of the back substitution; the part above each block's rows is one kernel product. */
    private static final int BACK_BLOCK = 64;

    record Solved(double[] z, RankReport rank) {
    }

    private RankRevealingSolver() {
    }

    /** {@code r} (p × p row-major, upper triangular) is read; {@code c} (p × m row-major) is overwritten. */
    static Solved solve(double[] r, double[] c, int p, int m, double cutoff, DenseKernels kernels) {
        double[] scale = new double[p];
        double[] equilibrated = new double[p * p]; // column-major, as the pivoted QR wants it
        for (int j = 0; j < p; j++) {
            double s = Math.sqrt(Dot.squaredNorm(r, j, p, j + 1));
            scale[j] = s > 0 ? s : 1;
            for (int i = 0; i <= j; i++) equilibrated[j * p + i] = r[i * p + j] / scale[j];
        }
        PivotedQr qr = PivotedQr.factor(equilibrated, p);
        int rank = 0;
        double top = qr.diagonal(0);
        while (rank < p && qr.diagonal(rank) > cutoff * top) rank++;
        double condition = rank == 0 ? Double.POSITIVE_INFINITY : top / qr.diagonal(rank - 1);
        RankReport report = new RankReport(rank, p, cutoff, condition, rank < p);

        qr.applyTransposed(c, m, kernels);
        // The first r rows of R₂ with the scaling undone: R·P = Q₂·(R₂·D_P).
        double[] u = new double[rank * p];
        for (int i = 0; i < rank; i++) {
            for (int j = i; j < p; j++) u[i * p + j] = qr.r(i, j) * scale[qr.pivot(j)];
        }
        RzFactorization rz = rank < p ? RzFactorization.factor(u, rank, p) : null;
        backSubstitute(u, p, rank, c, m, kernels);
        Arrays.fill(c, rank * m, p * m, 0);
        if (rz != null) rz.applyTransposed(c, m);
        double[] z = new double[p * m];
        for (int k = 0; k < p; k++) System.arraycopy(c, k * m, z, qr.pivot(k) * m, m);
        return new Solved(z, report);
    }

    /** Rows 0..r-1 of {@code c} become {@code T⁻¹·c}, T the upper triangle in the first r columns of {@code t} (row stride p). */
    private static void backSubstitute(double[] t, int p, int r, double[] c, int m, DenseKernels kernels) {
        for (int i1 = r; i1 > 0; i1 -= BACK_BLOCK) {
            int i0 = Math.max(0, i1 - BACK_BLOCK);
            if (i1 < r) {
                kernels.multiply(i1 - i0, m, r - i1, MatrixView.rowMajor(t, i0 * p + i1, p),
                        MatrixView.rowMajor(c, i1 * m, m), MatrixView.rowMajor(c, i0 * m, m), Accumulate.SUBTRACT);
            }
            for (int i = i1 - 1; i >= i0; i--) {
                int ci = i * m;
                for (int l = i + 1; l < i1; l++) {
                    double f = t[i * p + l];
                    int cl = l * m;
                    for (int j = 0; j < m; j++) c[ci + j] -= f * c[cl + j];
                }
                double d = t[i * p + i];
                for (int j = 0; j < m; j++) c[ci + j] /= d;
            }
        }
    }
}
