package dev.jtc.shortcuts.metrics;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The coefficient of determination r² as the paper scores its mappings (scikit-learn's {@code r2_score} with
 * {@code multioutput='uniform_average'}): for each of the d output dimensions k, 1 − SSE_k / SST_k with SST_k
 * taken about the column mean, then the unweighted mean over k. A dimension whose targets do not vary
 * (SST_k = 0) scores 1 when it is predicted exactly and 0 otherwise, as scikit-learn's {@code force_finite=True}
 * does, so one constant coordinate cannot turn the average into ±∞.
 *
 * <p>Inputs are float32, row-major, rows × width (one row per validation token). Everything is accumulated in
 * double in one pass over both matrices. SST_k comes from sums of (y − y₀), where y₀ is the column's value in
 * the first row: the difference of two floats is exact in double, so a constant column gives SST_k of exactly 0
 * (the branch above is taken on real zeros, not on rounding noise), and the shift keeps Σd² − (Σd)²/n free of
 * the cancellation that raw sums of squares suffer when a column's mean is large against its spread, as in
 * GPT-2's few huge residual-stream coordinates.
 */
public final class R2Score {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private R2Score() {
    }

    /**
     * r² of {@code yPred} against {@code yTrue}, both rows × width float32 matrices filling their segments
     * exactly (offset 0, native byte order, as the engine's activations).
     */
    public static double uniformAverage(MemorySegment yTrue, MemorySegment yPred, int rows, int width) {
        long bytes = checkShape(rows, width) * Float.BYTES;
        if (yTrue.byteSize() != bytes || yPred.byteSize() != bytes) {
            throw new IllegalArgumentException("r2: yTrue and yPred must each hold exactly " + rows + " × " + width
                    + " float32 values (" + bytes + " bytes), got " + yTrue.byteSize() + " and " + yPred.byteSize()
                    + " bytes.");
        }
        Columns c = new Columns(width);
        for (int k = 0; k < width; k++) c.origin[k] = yTrue.getAtIndex(F32, k);
        long at = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < width; k++, at++) c.add(k, yTrue.getAtIndex(F32, at), yPred.getAtIndex(F32, at));
        }
        return c.uniformAverage(rows);
    }

    /** r² of {@code yPred} against {@code yTrue}, both rows × width float32 matrices of exactly that length. */
    public static double uniformAverage(float[] yTrue, float[] yPred, int rows, int width) {
        long n = checkShape(rows, width);
        if (yTrue.length != n || yPred.length != n) {
            throw new IllegalArgumentException("r2: yTrue and yPred must each hold exactly " + rows + " × " + width
                    + " = " + n + " floats, got " + yTrue.length + " and " + yPred.length + ".");
        }
        Columns c = new Columns(width);
        System.arraycopy(yTrue, 0, c.origin, 0, width);
        int at = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < width; k++, at++) c.add(k, yTrue[at], yPred[at]);
        }
        return c.uniformAverage(rows);
    }

    private static long checkShape(int rows, int width) {
        if (rows < 2) {
            throw new IllegalArgumentException("r2: needs at least 2 rows (samples) to measure variance, got " + rows
                    + ".");
        }
        if (width < 1) throw new IllegalArgumentException("r2: width (output dimensions) must be at least 1, got "
                + width + ".");
        return (long) rows * width;
    }

    /** The per-dimension sums of one pass: shifted target sum and square sum, and the squared error. */
    private static final class Columns {
        final float[] origin;
        final double[] shiftedSum;
        final double[] shiftedSquares;
        final double[] squaredError;

        Columns(int width) {
            origin = new float[width];
            shiftedSum = new double[width];
            shiftedSquares = new double[width];
            squaredError = new double[width];
        }

        void add(int k, float truth, float prediction) {
            double d = (double) truth - origin[k];
            double e = (double) truth - prediction;
            shiftedSum[k] += d;
            shiftedSquares[k] += d * d;
            squaredError[k] += e * e;
        }

        double uniformAverage(int rows) {
            double total = 0;
            for (int k = 0; k < origin.length; k++) {
                double sse = squaredError[k];
                double sst = shiftedSquares[k] - shiftedSum[k] * shiftedSum[k] / rows;
                if (!Double.isFinite(shiftedSquares[k])) {
                    throw new IllegalArgumentException("r2: yTrue holds a NaN or infinite value in column " + k + ".");
                }
                if (!Double.isFinite(sse)) {
                    throw new IllegalArgumentException("r2: yPred holds a NaN or infinite value in column " + k + ".");
                }
                if (sst > 0) total += 1 - sse / sst;
                else if (sse == 0) total += 1;
                // else: a constant target predicted wrongly scores 0 (scikit-learn's force_finite).
            }
            return total / origin.length;
        }
    }
}
