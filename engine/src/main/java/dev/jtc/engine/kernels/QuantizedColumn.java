package dev.jtc.engine.kernels;

/**
 * One column of a {@link QuantizedWeights} matrix: its scale {@code s = max|w| / 127} and the two terms of its error
 * bound, {@code errorBound = slope·‖a‖₂ + intercept}. Both kernels' quantized weights are made here, so their
 * estimates and bounds agree.
 */
record QuantizedColumn(float scale, double slope, double intercept) {

    private static final double UNIT_ROUNDOFF = 0x1p-24;

    /**
     * Quantizes the k weights of {@code column} (finite, else refused naming {@code j}) into {@code q}, and bounds the
     * error of an estimate of the column's dot product plus {@code bias} against any float evaluation of it.
     */
    static QuantizedColumn of(float[] column, int k, int j, float bias, byte[] q) {
        float max = 0;
        for (int kk = 0; kk < k; kk++) {
            if (!Float.isFinite(column[kk])) {
                throw new IllegalArgumentException("quantize: weight (" + kk + ", " + j + ") is " + column[kk]
                        + "; only finite weights have a bounded estimate.");
            }
            max = Math.max(max, Math.abs(column[kk]));
        }
        float s = max / 127f;
        double error = 0, norm = 0, quantizedNorm = 0;
        for (int kk = 0; kk < k; kk++) {
            q[kk] = (byte) (s == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(column[kk] / s))));
            double approx = (double) s * q[kk]; // exact: a float times a small integer
            error += (column[kk] - approx) * (column[kk] - approx);
            norm += (double) column[kk] * column[kk];
            quantizedNorm += approx * approx;
        }
        // γ_{k+3}: k products and sums, the scale's multiply and the bias's add, each rounded once; both the exact
        // product and the estimate are float evaluations, hence both norms and twice the bias.
        double gamma = (k + 3) * UNIT_ROUNDOFF / (1 - (k + 3) * UNIT_ROUNDOFF);
        double slope = 1.001 * (Math.sqrt(error) + gamma * (Math.sqrt(norm) + Math.sqrt(quantizedNorm)));
        double intercept = 1.001 * 2 * gamma * Math.abs(bias) + Double.MIN_NORMAL;
        return new QuantizedColumn(s, slope, intercept);
    }
}
