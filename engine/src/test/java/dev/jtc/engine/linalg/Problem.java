package dev.jtc.engine.linalg;

import java.util.Random;

/**
 * Test helper: a least-squares problem of {@code rows} rows, X (rows × sourceWidth) and targets Y_t
 * (rows × targetWidth each), row-major doubles.
 */
record Problem(int rows, int sourceWidth, int targets, int targetWidth, double[] x, double[][] y) {

    /**
     * X = G·diag(σ)·W with G Gaussian, W a random rotation-like mixing and σ falling geometrically from 1 to
     * {@code 1/condition} (a hidden-state-like spectrum), and Y_t = X·B_t + {@code noise}·(Gaussian + an offset
     * of 5·(t + 1), for the intercept to find). With
     * {@code float32}, every value is rounded to float, as the engine's rows are.
     */
    static Problem random(long seed, int rows, int sourceWidth, int targets, int targetWidth, double condition,
                          double noise, boolean float32) {
        Random rnd = new Random(seed);
        int d = sourceWidth;
        double[] mix = gaussian(rnd, d * d);
        double[] x = new double[rows * d];
        double[] g = new double[d];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < d; k++) g[k] = rnd.nextGaussian() * Math.pow(condition, -(double) k / Math.max(1, d - 1));
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += g[k] * mix[k * d + j];
                x[i * d + j] = s / Math.sqrt(d);
            }
        }
        if (float32) roundToFloat(x);
        double[][] y = new double[targets][rows * targetWidth];
        for (int t = 0; t < targets; t++) {
            double[] b = gaussian(rnd, targetWidth * d);
            for (int i = 0; i < rows; i++) {
                for (int o = 0; o < targetWidth; o++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += b[o * d + j] * x[i * d + j];
                    y[t][i * targetWidth + o] = s + noise * (rnd.nextGaussian() + 5 * (t + 1));
                }
            }
            if (float32) roundToFloat(y[t]);
        }
        return new Problem(rows, sourceWidth, targets, targetWidth, x, y);
    }

    /** All targets side by side, rows × (targets·targetWidth), as the numpy reference takes them. */
    double[] yMatrix() {
        int m = targets * targetWidth;
        double[] out = new double[rows * m];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < targets; t++) System.arraycopy(y[t], i * targetWidth, out, i * m + t * targetWidth, targetWidth);
        }
        return out;
    }

    /** Rows {@code from..to-1} as their own problem. */
    Problem slice(int from, int to) {
        double[] xs = java.util.Arrays.copyOfRange(x, from * sourceWidth, to * sourceWidth);
        double[][] ys = new double[targets][];
        for (int t = 0; t < targets; t++) ys[t] = java.util.Arrays.copyOfRange(y[t], from * targetWidth, to * targetWidth);
        return new Problem(to - from, sourceWidth, targets, targetWidth, xs, ys);
    }

    /** The same rows in the order {@code order}. */
    Problem permuted(int[] order) {
        double[] xs = new double[x.length];
        double[][] ys = new double[targets][rows * targetWidth];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, order[i] * sourceWidth, xs, i * sourceWidth, sourceWidth);
            for (int t = 0; t < targets; t++) System.arraycopy(y[t], order[i] * targetWidth, ys[t], i * targetWidth, targetWidth);
        }
        return new Problem(rows, sourceWidth, targets, targetWidth, xs, ys);
    }

    /** Adds every row, in blocks of {@code block} rows, to {@code acc}. */
    void addTo(TsqrAccumulator acc, int block) {
        for (int i0 = 0; i0 < rows; i0 += block) {
            Problem part = slice(i0, Math.min(rows, i0 + block));
            acc.addRows(part.rows, part.x, part.y);
        }
    }

    /** {@code X·A_tᵀ (+ b_t)} with the double solution: rows × targetWidth. */
    double[] predict(double[] map, double[] bias) {
        double[] out = new double[rows * targetWidth];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < targetWidth; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int j = 0; j < sourceWidth; j++) s += map[o * sourceWidth + j] * x[i * sourceWidth + j];
                out[i * targetWidth + o] = s;
            }
        }
        return out;
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextGaussian();
        return a;
    }

    private static void roundToFloat(double[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) a[i];
    }
}
