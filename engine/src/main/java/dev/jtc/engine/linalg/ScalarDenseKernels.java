package dev.jtc.engine.linalg;

/** The reference twin of {@link VectorDenseKernels}: the contract's summation order, written out as loops. */
final class ScalarDenseKernels implements DenseKernels {

    static final ScalarDenseKernels INSTANCE = new ScalarDenseKernels();

    private ScalarDenseKernels() {
    }

    @Override
    public void multiply(int m, int n, int k, MatrixView a, MatrixView b, MatrixView c, Accumulate op) {
        ProductChecks.require(m, n, k, a, b, c);
        double[] ad = a.data(), bd = b.data(), cd = c.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = c.index(i, j);
                for (int k0 = 0; k0 < k; k0 += K_BLOCK) {
                    int k1 = Math.min(k, k0 + K_BLOCK);
                    double s = 0;
                    for (int p = k0; p < k1; p++) s = Math.fma(ad[a.index(i, p)], bd[b.index(p, j)], s);
                    cd[ci] = op == Accumulate.ADD ? cd[ci] + s : cd[ci] - s;
                }
            }
        }
    }

    @Override
    public int threads() {
        return 1;
    }
}
