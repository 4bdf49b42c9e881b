package dev.jtc.engine.linalg;

/**
 * The RZ factorisation of an upper trapezoid {@code U = [U11 U12]} (r × p, r ≤ p, U11 triangular),
 * {@code U = [T 0]·Z} with T upper triangular and Z orthogonal, as LAPACK's xTZRZF computes it:
 * reflector k (from the last row up) folds row k's part in columns r.. into its diagonal element.
 * With it the minimum-norm solution of {@code U·z = c} is {@code z = Zᵀ·[T⁻¹c; 0]}: every solution
 * differs from it by a vector in U's null space, which Z maps onto the last p − r coordinates that
 * this one sets to zero.
 */
final class RzFactorization {

    private final int r;
    private final int p;
    /** T in columns 0..r-1, the reflectors' tails in columns r..p-1; row-major r × p. */
    private final double[] u;
    private final double[] tau;

    private RzFactorization(int r, int p, double[] u, double[] tau) {
        this.r = r;
        this.p = p;
        this.u = u;
        this.tau = tau;
    }

    /** Factors {@code u} (r × p row-major, zero below the diagonal) in place. */
    static RzFactorization factor(double[] u, int r, int p) {
        double[] tau = new double[r];
        int tail = p - r;
        for (int k = r - 1; k >= 0; k--) {
            int row = k * p;
            Householder h = Householder.of(u[row + k], Dot.squaredNorm(u, row + r, 1, tail));
            tau[k] = h.tau();
            u[row + k] = h.beta();
            if (h.tau() == 0) continue;
            for (int l = 0; l < tail; l++) u[row + r + l] *= h.scale();
            for (int i = 0; i < k; i++) {
                int ri = i * p;
                double f = h.tau() * (u[ri + k] + Dot.product(u, ri + r, u, row + r, tail));
                u[ri + k] -= f;
                for (int l = 0; l < tail; l++) u[ri + r + l] -= f * u[row + r + l];
            }
        }
        return new RzFactorization(r, p, u, tau);
    }

    /** T (r × r upper triangular) inside a row-major r × p array, as the back substitution reads it. */
    double[] triangle() {
        return u;
    }

    /**
     * {@code z} (p × m row-major) holding {@code [w; 0]} becomes {@code Zᵀ·[w; 0]}: the reflectors applied
     * first to last (reflector k touches row k and rows r..p-1).
     */
    void applyTransposed(double[] z, int m) {
        double[] w = new double[m];
        int tail = p - r;
        for (int k = 0; k < r; k++) {
            if (tau[k] == 0) continue;
            int row = k * p;
            System.arraycopy(z, k * m, w, 0, m);
            for (int l = 0; l < tail; l++) {
                double vl = u[row + r + l];
                int zr = (r + l) * m;
                for (int j = 0; j < m; j++) w[j] += vl * z[zr + j];
            }
            for (int j = 0; j < m; j++) z[k * m + j] -= tau[k] * w[j];
            for (int l = 0; l < tail; l++) {
                double f = tau[k] * u[row + r + l];
                int zr = (r + l) * m;
                for (int j = 0; j < m; j++) z[zr + j] -= f * w[j];
            }
        }
    }
}
