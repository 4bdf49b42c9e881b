package dev.jtc.engine.linalg;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector product against its scalar twin. Both follow the same summation order by contract, so the
 * comparison is of bits, which is stronger than the 1e-12 relative the twins need to agree to.
 */
class DenseKernelsTest {

    private static final DenseKernels ONE = DenseKernels.vector(1);
    private static final DenseKernels TWO = DenseKernels.vector(2);

    @Property(tries = 40)
    void vectorProductIsTheScalarProductBitForBit(@ForAll @IntRange(min = 1, max = 150) int m,
                                                  @ForAll @IntRange(min = 1, max = 150) int n,
                                                  @ForAll @IntRange(min = 1, max = 600) int k,
                                                  @ForAll boolean transposeA, @ForAll boolean transposeB,
                                                  @ForAll boolean subtract, @ForAll long seed) {
        Random rnd = new Random(seed);
        double[] a = gaussian(rnd, m * k + 3), b = gaussian(rnd, k * n + 5), c = gaussian(rnd, m * (n + 2) + 1);
        MatrixView av = transposeA ? MatrixView.columnMajor(a, 3, m) : MatrixView.rowMajor(a, 3, k);
        MatrixView bv = transposeB ? MatrixView.columnMajor(b, 5, k) : MatrixView.rowMajor(b, 5, n);
        Accumulate op = subtract ? Accumulate.SUBTRACT : Accumulate.ADD;
        double[] scalar = c.clone(), one = c.clone(), two = c.clone();
        DenseKernels.scalar().multiply(m, n, k, av, bv, MatrixView.rowMajor(scalar, 1, n + 2), op);
        ONE.multiply(m, n, k, av, bv, MatrixView.rowMajor(one, 1, n + 2), op);
        TWO.multiply(m, n, k, av, bv, MatrixView.rowMajor(two, 1, n + 2), op);
        assertArrayEquals(scalar, one);
        assertArrayEquals(scalar, two);
    }

    @Test
    void productMatchesAPlainTripleLoop() {
        Random rnd = new Random(3);
        int m = 37, n = 70, k = 300;
        double[] a = gaussian(rnd, m * k), b = gaussian(rnd, k * n), c = new double[m * n];
        TWO.multiply(m, n, k, MatrixView.rowMajor(a, 0, k), MatrixView.rowMajor(b, 0, n), MatrixView.rowMajor(c, 0, n),
                Accumulate.ADD);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                assertEquals(s, c[i * n + j], 1e-12 * Math.sqrt(k) * 10);
            }
        }
    }

    @Test
    void wholeFitOnScalarKernelsIsTheVectorFitBitForBit() {
        Problem pr = Problem.random(11, 700, 90, 2, 50, 1e3, 0.1, true);
        LeastSquaresOptions o = new LeastSquaresOptions(Intercept.FITTED, 0.25, DataPrecision.FLOAT32);
        LeastSquaresSolution scalar = fit(pr, o, DenseKernels.scalar());
        LeastSquaresSolution vector = fit(pr, o, TWO);
        for (int t = 0; t < pr.targets(); t++) {
            assertArrayEquals(scalar.mapInDouble(t), vector.mapInDouble(t));
            assertArrayEquals(scalar.bias(t), vector.bias(t));
            assertEquals(scalar.residualSumOfSquares(t), vector.residualSumOfSquares(t));
        }
    }

    @Test
    void outOfBoundsOperandsAreRejected() {
        double[] a = new double[10];
        var e = assertThrows(IllegalArgumentException.class, () -> TWO.multiply(4, 4, 4, MatrixView.rowMajor(a, 0, 4),
                MatrixView.rowMajor(new double[16], 0, 4), MatrixView.rowMajor(new double[16], 0, 4), Accumulate.ADD));
        assertTrue(e.getMessage().contains("operand a"), e.getMessage());
    }

    static LeastSquaresSolution fit(Problem pr, LeastSquaresOptions o, DenseKernels kernels) {
        TsqrAccumulator acc = new TsqrAccumulator(pr.sourceWidth(), pr.targets(), pr.targetWidth(), o, kernels);
        pr.addTo(acc, 100);
        return acc.solve();
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextGaussian();
        return a;
    }
}
