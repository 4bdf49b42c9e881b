package dev.jtc.engine.linalg;

/**
 * The streaming TSQR step: the QR factorisation of an upper-triangular R (p × p) with b new rows X
 * stacked below it, {@code [R; X] = Q·[R'; 0]}, and its application to the right-hand sides,
 * {@code [C; Y] → top p rows of Qᵀ·[C; Y]}.
 *
 * <p>Reflector k only has to zero column k of X under R's diagonal element, so it touches one row of
 * R (row k) and the b new rows: its vector is {@code e_k} on top and {@code v_k} below. The p
 * reflectors together are the block reflector {@code Q = I − V·T·Vᵀ} with {@code V = [I; V_X]}
 * (compact WY, Schreiber–Van Loan) and T upper triangular. Because V's top is the identity, the
 * right-hand sides need only {@code C' = C − Tᵀ·(C + V_Xᵀ·Y)}: two products on the {@link DenseKernels}
 * and no update of Y at all (the rows below R would only feed the residual, which the accumulator
 * gets from norms instead). X itself is factored in panels of {@link #PANEL} columns, each applied to
 * the rest of X and R as its own small block reflector.
 */
final class StackedQr {

    /** Reflectors per panel: wide enough for the trailing products to be GEMM-shaped, narrow enough that the unblocked panel work stays small. */
    static final int PANEL = 32;
    /** Right-hand-side columns per pass, so the workspace stays p × CHUNK whatever the number of targets. */
    private static final int CHUNK = 512;
    /** Row block of the triangular product with Tᵀ (each block skips the zero part above its diagonal). */
    private static final int TRIANGLE_BLOCK = 96;

    private final int p;
    private final int rows;
    private final double[] v;
    private final int ldv;
    private final double[] t;
    private final DenseKernels kernels;

    private StackedQr(int p, int rows, double[] v, int ldv, double[] t, DenseKernels kernels) {
        this.p = p;
        this.rows = rows;
        this.v = v;
        this.ldv = ldv;
        this.t = t;
        this.kernels = kernels;
    }

    /**
     * Factors {@code [r; x]} in place: {@code r} (p × p row-major, upper triangular) becomes R', and
     * {@code x} ({@code rows} × p column-major with column stride {@code ldx}) becomes V_X.
     */
    static StackedQr factor(double[] r, int p, double[] x, int rows, int ldx, DenseKernels kernels) {
        double[] t = new double[p * p];
        double[] tau = new double[p];
        double[] g = new double[p * PANEL];
        double[] h = new double[p * PANEL];
        double[] w = new double[PANEL * p];
        double[] w2 = new double[PANEL * p];
        MatrixView vT = new MatrixView(x, 0, ldx, 1); // V_Xᵀ: row k is column k of x
        for (int k0 = 0; k0 < p; k0 += PANEL) {
            int k1 = Math.min(p, k0 + PANEL), nb = k1 - k0;
            factorPanel(r, p, x, rows, ldx, k0, k1, tau);
            panelT(x, rows, ldx, k0, k1, tau, t, p);
            if (k0 > 0) {
                // T[0:k0, panel] = −T[0:k0, 0:k0] · (V[:, 0:k0]ᵀ V[:, panel]) · T[panel, panel]
                java.util.Arrays.fill(g, 0, k0 * nb, 0);
                kernels.multiply(k0, nb, rows, vT, MatrixView.columnMajor(x, k0 * ldx, ldx),
                        MatrixView.rowMajor(g, 0, nb), Accumulate.ADD);
                java.util.Arrays.fill(h, 0, k0 * nb, 0);
                for (int i0 = 0; i0 < k0; i0 += TRIANGLE_BLOCK) {
                    int i1 = Math.min(k0, i0 + TRIANGLE_BLOCK);
                    kernels.multiply(i1 - i0, nb, k0 - i0, MatrixView.rowMajor(t, i0 * p + i0, p),
                            MatrixView.rowMajor(g, i0 * nb, nb), MatrixView.rowMajor(h, i0 * nb, nb), Accumulate.ADD);
                }
                kernels.multiply(k0, nb, nb, MatrixView.rowMajor(h, 0, nb), MatrixView.rowMajor(t, k0 * p + k0, p),
                        MatrixView.rowMajor(t, k0, p), Accumulate.SUBTRACT);
            }
            if (k1 < p) {
                int n = p - k1;
                // W = R[panel, k1:] + V_panelᵀ X[:, k1:];  W2 = T_panelᵀ W
                for (int i = 0; i < nb; i++) System.arraycopy(r, (k0 + i) * p + k1, w, i * n, n);
                kernels.multiply(nb, n, rows, vT.from(k0, 0), MatrixView.columnMajor(x, k1 * ldx, ldx),
                        MatrixView.rowMajor(w, 0, n), Accumulate.ADD);
                java.util.Arrays.fill(w2, 0, nb * n, 0);
                kernels.multiply(nb, n, nb, new MatrixView(t, k0 * p + k0, 1, p), MatrixView.rowMajor(w, 0, n),
                        MatrixView.rowMajor(w2, 0, n), Accumulate.ADD);
                // R[panel, k1:] −= W2;  X[:, k1:] −= V_panel W2, computed transposed so X's columns are the rows written
                for (int i = 0; i < nb; i++) {
                    int ro = (k0 + i) * p + k1, wo = i * n;
                    for (int j = 0; j < n; j++) r[ro + j] -= w2[wo + j];
                }
                kernels.multiply(n, rows, nb, MatrixView.rowMajor(w2, 0, n).transposed(), vT.from(k0, 0),
                        MatrixView.rowMajor(x, k1 * ldx, ldx), Accumulate.SUBTRACT);
            }
        }
        return new StackedQr(p, rows, x, ldx, t, kernels);
    }

    /** Unblocked factorisation of columns k0..k1-1, applying each reflector to the panel's later columns only. */
    private static void factorPanel(double[] r, int p, double[] x, int rows, int ldx, int k0, int k1, double[] tau) {
        for (int k = k0; k < k1; k++) {
            int xk = k * ldx;
            Householder h = Householder.of(r[k * p + k], Householder.squaredNorm(x, xk, 1, rows));
            tau[k] = h.tau();
            r[k * p + k] = h.beta();
            if (h.tau() == 0) continue;
            for (int i = 0; i < rows; i++) x[xk + i] *= h.scale();
            for (int j = k + 1; j < k1; j++) {
                int xj = j * ldx;
                double f = h.tau() * (r[k * p + j] + Householder.dot(x, xk, x, xj, rows));
                r[k * p + j] -= f;
                for (int i = 0; i < rows; i++) x[xj + i] -= f * x[xk + i];
            }
        }
    }

    /** T's diagonal block for columns k0..k1-1: {@code T[k0:i, i] = −τ_i · T[k0:i, k0:i] · (V[:, k0:i]ᵀ v_i)}. */
    private static void panelT(double[] x, int rows, int ldx, int k0, int k1, double[] tau, double[] t, int p) {
        double[] g = new double[k1 - k0];
        for (int i = k0; i < k1; i++) {
            t[i * p + i] = tau[i];
            if (tau[i] == 0) continue;
            for (int l = k0; l < i; l++) g[l - k0] = Householder.dot(x, l * ldx, x, i * ldx, rows);
            for (int l = k0; l < i; l++) {
                double s = 0;
                for (int q = l; q < i; q++) s += t[l * p + q] * g[q - k0];
                t[l * p + i] = -tau[i] * s;
            }
        }
    }

    /**
     * {@code c} (p × m row-major) becomes the top p rows of {@code Qᵀ·[c; y]}, where {@code y} is
     * {@code rows} × m row-major, or null for rows whose right-hand sides are all zero (ridge rows).
     */
    void apply(double[] c, int m, double[] y) {
        double[] w = new double[p * Math.min(CHUNK, Math.max(1, m))];
        MatrixView vT = new MatrixView(v, 0, ldv, 1);
        for (int c0 = 0; c0 < m; c0 += CHUNK) {
            int n = Math.min(CHUNK, m - c0);
            for (int i = 0; i < p; i++) System.arraycopy(c, i * m + c0, w, i * n, n);
            if (y != null) {
                kernels.multiply(p, n, rows, vT, MatrixView.rowMajor(y, c0, m), MatrixView.rowMajor(w, 0, n), Accumulate.ADD);
            }
            for (int i0 = 0; i0 < p; i0 += TRIANGLE_BLOCK) {
                int i1 = Math.min(p, i0 + TRIANGLE_BLOCK);
                // rows i0..i1-1 of Tᵀ are zero beyond column i1-1
                kernels.multiply(i1 - i0, n, i1, new MatrixView(t, i0, 1, p), MatrixView.rowMajor(w, 0, n),
                        MatrixView.rowMajor(c, i0 * m + c0, m), Accumulate.SUBTRACT);
            }
        }
    }
}
