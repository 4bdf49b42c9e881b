package dev.jtc.engine.linalg;

import java.util.Arrays;

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
    /**
     * Right-hand-side columns per pass, so the workspace stays p × CHUNK whatever the number of targets;
     * wide enough to give every thread several shares of the product.
     */
    static final int CHUNK = 2048;
    /** Row block of the triangular product with Tᵀ (each block skips the zero part above its diagonal). */
    private static final int TRIANGLE_BLOCK = 96;

    private final int p;
    private final int rows;
    /** R, p × p row-major; becomes R'. */
    private final double[] r;
    /** The new rows X, column-major with column stride {@link #ldv}; become V_X, the reflectors' lower parts. */
    private final double[] v;
    private final int ldv;
    /** T of the block reflector, p × p row-major, upper triangular. */
    private final double[] t;
    private final double[] tau;
    private final DenseKernels kernels;
    /** V_Xᵀ: row k is column k of {@link #v}. */
    private final MatrixView vT;

    private StackedQr(double[] r, int p, double[] x, int rows, int ldx, DenseKernels kernels) {
        this.p = p;
        this.rows = rows;
        this.r = r;
        this.v = x;
        this.ldv = ldx;
        this.t = new double[p * p];
        this.tau = new double[p];
        this.kernels = kernels;
        this.vT = new MatrixView(x, 0, ldx, 1);
    }

    /**
     * Factors {@code [r; x]} in place: {@code r} (p × p row-major, upper triangular) becomes R', and
     * {@code x} ({@code rows} × p column-major with column stride {@code ldx}) becomes V_X.
     */
    static StackedQr factor(double[] r, int p, double[] x, int rows, int ldx, DenseKernels kernels) {
        StackedQr qr = new StackedQr(r, p, x, rows, ldx, kernels);
        for (int k0 = 0; k0 < p; k0 += PANEL) {
            int k1 = Math.min(p, k0 + PANEL);
            qr.factorPanel(k0, k1);
            qr.panelT(k0, k1);
            if (k0 > 0) qr.joinT(k0, k1);
            if (k1 < p) qr.reflectRest(k0, k1);
        }
        return qr;
    }

    /** Unblocked factorisation of columns k0..k1-1, applying each reflector to the panel's later columns only. */
    private void factorPanel(int k0, int k1) {
        for (int k = k0; k < k1; k++) {
            int xk = k * ldv;
            Householder h = Householder.of(r[k * p + k], Dot.squaredNorm(v, xk, 1, rows));
            tau[k] = h.tau();
            r[k * p + k] = h.beta();
            if (h.tau() == 0) continue;
            for (int i = 0; i < rows; i++) v[xk + i] *= h.scale();
            for (int j = k + 1; j < k1; j++) {
                int xj = j * ldv;
                double f = h.tau() * (r[k * p + j] + Dot.product(v, xk, v, xj, rows));
                r[k * p + j] -= f;
                for (int i = 0; i < rows; i++) v[xj + i] -= f * v[xk + i];
            }
        }
    }

    /** T's diagonal block for columns k0..k1-1: {@code T[k0:i, i] = −τ_i · T[k0:i, k0:i] · (V[:, k0:i]ᵀ v_i)}. */
    private void panelT(int k0, int k1) {
        double[] g = new double[k1 - k0];
        for (int i = k0; i < k1; i++) {
            t[i * p + i] = tau[i];
            if (tau[i] == 0) continue;
            for (int l = k0; l < i; l++) g[l - k0] = Dot.product(v, l * ldv, v, i * ldv, rows);
            for (int l = k0; l < i; l++) {
                double s = 0;
                for (int q = l; q < i; q++) s += t[l * p + q] * g[q - k0];
                t[l * p + i] = -tau[i] * s;
            }
        }
    }

    /**
     * T's block above the panel, {@code T[0:k0, panel] = −T[0:k0, 0:k0]·G·T[panel, panel]} with
     * {@code G = V[:, 0:k0]ᵀ·V[:, panel]}, all computed transposed (nb rows, k0 columns) so that every
     * product has many columns to share out.
     */
    private void joinT(int k0, int k1) {
        int nb = k1 - k0;
        double[] gT = new double[nb * k0], hT = new double[nb * k0];
        kernels.multiply(nb, k0, rows, vT.from(k0, 0), MatrixView.columnMajor(v, 0, ldv),
                MatrixView.rowMajor(gT, 0, k0), Accumulate.ADD);
        for (int i0 = 0; i0 < k0; i0 += TRIANGLE_BLOCK) {
            int i1 = Math.min(k0, i0 + TRIANGLE_BLOCK);
            // columns i0..i1-1 of Gᵀ·T[0:k0, 0:k0]ᵀ need only rows i0.. of Tᵀ (T is upper triangular)
            kernels.multiply(nb, i1 - i0, k0 - i0, MatrixView.rowMajor(gT, i0, k0), new MatrixView(t, i0 * p + i0, 1, p),
                    MatrixView.rowMajor(hT, i0, k0), Accumulate.ADD);
        }
        Arrays.fill(gT, 0, nb * k0, 0); // now −T[panel, panel]ᵀ·Hᵀ, the transposed block
        kernels.multiply(nb, k0, nb, new MatrixView(t, k0 * p + k0, 1, p), MatrixView.rowMajor(hT, 0, k0),
                MatrixView.rowMajor(gT, 0, k0), Accumulate.SUBTRACT);
        for (int i = 0; i < k0; i++) {
            for (int j = 0; j < nb; j++) t[i * p + k0 + j] = gT[j * k0 + i];
        }
    }

    /**
     * Applies the panel's block reflector to the columns after it, in R and X:
     * {@code W = R[panel, k1:] + V_panelᵀ·X[:, k1:]}, {@code W' = T_panelᵀ·W}, then
     * {@code R[panel, k1:] −= W'} and {@code X[:, k1:] −= V_panel·W'} (computed transposed, so X's columns
     * are the rows written).
     */
    private void reflectRest(int k0, int k1) {
        int nb = k1 - k0, n = p - k1;
        double[] w = new double[nb * n], w2 = new double[nb * n];
        for (int i = 0; i < nb; i++) System.arraycopy(r, (k0 + i) * p + k1, w, i * n, n);
        kernels.multiply(nb, n, rows, vT.from(k0, 0), MatrixView.columnMajor(v, k1 * ldv, ldv),
                MatrixView.rowMajor(w, 0, n), Accumulate.ADD);
        kernels.multiply(nb, n, nb, new MatrixView(t, k0 * p + k0, 1, p), MatrixView.rowMajor(w, 0, n),
                MatrixView.rowMajor(w2, 0, n), Accumulate.ADD);
        for (int i = 0; i < nb; i++) {
            int ro = (k0 + i) * p + k1, wo = i * n;
            for (int j = 0; j < n; j++) r[ro + j] -= w2[wo + j];
        }
        kernels.multiply(n, rows, nb, MatrixView.rowMajor(w2, 0, n).transposed(), vT.from(k0, 0),
                MatrixView.rowMajor(v, k1 * ldv, ldv), Accumulate.SUBTRACT);
    }

    /**
     * {@code c} (p × m row-major) becomes the top p rows of {@code Qᵀ·[c; y]}, where {@code y} is
     * {@code rows} × m row-major, or null for rows whose right-hand sides are all zero (ridge rows).
     */
    void apply(double[] c, int m, double[] y) {
        double[] w = new double[p * Math.min(CHUNK, Math.max(1, m))];
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
