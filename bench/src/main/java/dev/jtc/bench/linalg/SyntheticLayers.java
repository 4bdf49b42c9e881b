package dev.jtc.bench.linalg;

import dev.jtc.engine.linalg.Accumulate;
import dev.jtc.engine.linalg.DenseKernels;
import dev.jtc.engine.linalg.MatrixView;

import java.util.SplittableRandom;

/**
 * Stand-ins for a transformer's residual stream, float32: layer l is {@code Z_l·M}, where the Z_l are
 * Gaussian and correlated from one layer to the next (Z_l = 0.9·Z_{l−1} + 0.44·fresh, unit variance),
 * and M mixes coordinates with column scales falling geometrically over three decades, so X has the
 * graded spectrum of real hidden states (full rank, condition about 10³). bench/solver_numpy.py builds
 * rows the same way for numpy.
 */
final class SyntheticLayers {

    private SyntheticLayers() {
    }

    /** {@code layers} arrays of rows × width floats, row-major. */
    static float[][] generate(int layers, int rows, int width, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] mix = new double[width * width];
        for (int i = 0; i < width; i++) {
            for (int j = 0; j < width; j++) mix[i * width + j] = gaussian(rnd) * Math.pow(1e-3, (double) j / (width - 1)) / Math.sqrt(width);
        }
        double[] z = new double[rows * width], product = new double[rows * width];
        float[][] out = new float[layers][];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < z.length; i++) z[i] = l == 0 ? gaussian(rnd) : 0.9 * z[i] + 0.44 * gaussian(rnd);
            java.util.Arrays.fill(product, 0);
            DenseKernels.vector().multiply(rows, width, width, MatrixView.rowMajor(z, 0, width),
                    MatrixView.rowMajor(mix, 0, width), MatrixView.rowMajor(product, 0, width), Accumulate.ADD);
            out[l] = new float[rows * width];
            for (int i = 0; i < product.length; i++) out[l][i] = (float) product[i];
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box–Muller; SplittableRandom has no nextGaussian of its own that is this cheap
        double u = 1 - rnd.nextDouble(), v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
