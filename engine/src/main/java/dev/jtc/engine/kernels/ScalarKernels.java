package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference twin of {@link VectorKernels}: plain loops, one element at a time, sums in
 * double. Slow on purpose and obviously correct, so tests can hold the fast kernels to it.
 * Packing keeps a view of the caller's weights (no copy, nothing in the arena).
 */
final class ScalarKernels implements Kernels {

    // Unaligned: safetensors data offsets need not be multiples of four.
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ScalarKernels INSTANCE = new ScalarKernels();
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    static ScalarKernels instance() {
        return INSTANCE;
    }

    private ScalarKernels() {
    }

    /** The weights as given: element (i, j) of the logical [k, n] matrix is read through the layout. */
    record ScalarPacked(MemorySegment w, int k, int n, WeightLayout layout) implements PackedWeights {
        float at(int in, int out) {
            long idx = layout == WeightLayout.IN_OUT ? (long) in * n + out : (long) out * k + in;
            return w.getAtIndex(F, idx);
        }
    }

    @Override
    public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
        KernelChecks.weights(w, k, n, layout);
        return new ScalarPacked(w, k, n, layout);
    }

    @Override
    public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights packed, MemorySegment bias,
                       MemorySegment c, long cOff, int ldc) {
        ScalarPacked w = packed(packed, "matmul");
        int k = w.k(), n = w.n();
        KernelChecks.matmul(a, aOff, lda, m, k, n, bias, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0.0 : bias.getAtIndex(F, j);
                for (int p = 0; p < k; p++) {
                    s += (double) a.getAtIndex(F, aOff + (long) i * lda + p) * w.at(p, j);
                }
                c.setAtIndex(F, cOff + (long) i * ldc + j, (float) s);
            }
        }
    }

    @Override
    public float column(MemorySegment a, long aOff, PackedWeights packed, MemorySegment bias, int j) {
        ScalarPacked w = packed(packed, "column");
        KernelChecks.range(a, aOff, w.k(), "column");
        if (j < 0 || j >= w.n()) throw new IllegalArgumentException("column: " + j + " is not a column of a matrix with " + w.n() + ".");
        double s = bias == null ? 0.0 : bias.getAtIndex(F, j);
        for (int p = 0; p < w.k(); p++) s += (double) a.getAtIndex(F, aOff + p) * w.at(p, j);
        return (float) s;
    }

    /** Column j's bytes at {@code q[j·k ..]}. */
    record ScalarQuantized(int k, int n, byte[] q, QuantizedColumn[] columns, float[] bias) implements QuantizedWeights {
        @Override
        public double errorBound(int j, double inputNorm) {
            return columns[j].slope() * inputNorm + columns[j].intercept();
        }
    }

    @Override
    public QuantizedWeights quantize(PackedWeights packed, MemorySegment bias, Arena arena) {
        ScalarPacked w = packed(packed, "quantize");
        int k = w.k(), n = w.n();
        if (bias != null) KernelChecks.range(bias, 0, n, "quantize: bias");
        byte[] q = new byte[k * n], column = new byte[k];
        float[] weights = new float[k], biases = new float[n];
        QuantizedColumn[] columns = new QuantizedColumn[n];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) weights[p] = w.at(p, j);
            biases[j] = bias == null ? 0f : bias.getAtIndex(F, j);
            columns[j] = QuantizedColumn.of(weights, k, j, biases[j], column);
            System.arraycopy(column, 0, q, j * k, k);
        }
        return new ScalarQuantized(k, n, q, columns, biases);
    }

    @Override
    public void estimate(MemorySegment a, long aOff, QuantizedWeights quantized, MemorySegment out, long outOff) {
        if (!(quantized instanceof ScalarQuantized w)) {
            throw new IllegalArgumentException("estimate: the weights were quantized by another Kernels implementation ("
                    + quantized.getClass().getSimpleName() + "); quantize them with the scalar kernels.");
        }
        KernelChecks.range(a, aOff, w.k(), "estimate");
        KernelChecks.range(out, outOff, w.n(), "estimate");
        for (int j = 0; j < w.n(); j++) {
            double s = 0;
            for (int p = 0; p < w.k(); p++) s += (double) a.getAtIndex(F, aOff + p) * w.q()[j * w.k() + p];
            out.setAtIndex(F, outOff + j, (float) (s * w.columns()[j].scale() + w.bias()[j]));
        }
    }

    private static ScalarPacked packed(PackedWeights w, String what) {
        if (!(w instanceof ScalarPacked sp)) {
            throw new IllegalArgumentException(what + ": the weights were packed by another Kernels implementation ("
                    + w.getClass().getSimpleName() + "); pack them with the scalar kernels.");
        }
        return sp;
    }

    @Override
    public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                          MemorySegment gamma, MemorySegment beta, float eps) {
        KernelChecks.layerNorm(x, xOff, out, outOff, rows, d, gamma, beta);
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * d, or = outOff + (long) r * d;
            double sum = 0;
            for (int i = 0; i < d; i++) sum += x.getAtIndex(F, xr + i);
            double mean = sum / d;
            double sq = 0;
            for (int i = 0; i < d; i++) {
                double t = x.getAtIndex(F, xr + i) - mean;
                sq += t * t;
            }
            double inv = 1.0 / Math.sqrt(sq / d + eps);
            for (int i = 0; i < d; i++) {
                double t = (x.getAtIndex(F, xr + i) - mean) * inv;
                out.setAtIndex(F, or + i, (float) (t * gamma.getAtIndex(F, i) + beta.getAtIndex(F, i)));
            }
        }
    }

    @Override
    public void gelu(MemorySegment x, long off, long n, Activation form) {
        KernelChecks.range(x, off, n, "gelu");
        for (long i = 0; i < n; i++) {
            double v = x.getAtIndex(F, off + i);
            double g = form == Activation.GELU_TANH ? geluTanh(v) : 0.5 * v * Erf.erfc(-v / Math.sqrt(2.0));
            x.setAtIndex(F, off + i, (float) g);
        }
    }

    /** Where tanh(u) nears −1, {@code 1 + tanh(u)} cancels even in double; {@code 2/(1 + e^{−2u})} is the same number. */
    private static double geluTanh(double v) {
        double u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
        return u >= -1 ? 0.5 * v * (1.0 + Math.tanh(u)) : v / (1.0 + Math.exp(-2.0 * u));
    }

    @Override
    public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) {
        KernelChecks.range(dst, dstOff, n, "add destination");
        KernelChecks.range(src, srcOff, n, "add source");
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(F, dstOff + i, dst.getAtIndex(F, dstOff + i) + src.getAtIndex(F, srcOff + i));
        }
    }

    @Override
    public void softmax(MemorySegment x, long off, int n) {
        KernelChecks.range(x, off, n, "softmax");
        if (n == 0) return;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x.getAtIndex(F, off + i));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp((double) x.getAtIndex(F, off + i) - max);
        for (int i = 0; i < n; i++) {
            x.setAtIndex(F, off + i, (float) (Math.exp((double) x.getAtIndex(F, off + i) - max) / sum));
        }
    }

    @Override
    public double logSumExp(MemorySegment x, long off, int n) {
        KernelChecks.range(x, off, n, "logSumExp");
        if (n < 1) throw new IllegalArgumentException("logSumExp needs at least one value, got n = " + n + ".");
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x.getAtIndex(F, off + i));
        if (Double.isInfinite(max)) return max;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(x.getAtIndex(F, off + i) - max);
        return max + Math.log(sum);
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        KernelChecks.range(a, aOff, n, "dot");
        KernelChecks.range(b, bOff, n, "dot");
        double sum = 0;
        for (int i = 0; i < n; i++) sum += (double) a.getAtIndex(F, aOff + i) * b.getAtIndex(F, bOff + i);
        return sum;
    }

    @Override
    public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                          MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize,
                          float scale, boolean causal, int validKeys,
                          MemorySegment out, long oOff, int ldo, MemorySegment scratch) {
        KernelChecks.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, validKeys,
                out, oOff, ldo, scratch, attentionScratchFloats(tq, tk, headSize));
        double[] p = new double[tk]; // the twin may allocate: it is never on the hot path
        for (int h = 0; h < heads; h++) {
            long col = (long) h * headSize;
            for (int i = 0; i < tq; i++) {
                int visible = Masking.visibleKeys(i, tq, tk, causal, validKeys);
                long orow = oOff + (long) i * ldo + col;
                if (visible == 0) {
                    for (int d = 0; d < headSize; d++) out.setAtIndex(F, orow + d, 0f);
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    double s = 0;
                    for (int d = 0; d < headSize; d++) {
                        s += (double) q.getAtIndex(F, qOff + (long) i * ldq + col + d)
                                * k.getAtIndex(F, kOff + (long) j * ldk + col + d);
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int d = 0; d < headSize; d++) {
                    double o = 0;
                    for (int j = 0; j < visible; j++) o += p[j] * v.getAtIndex(F, vOff + (long) j * ldv + col + d);
                    out.setAtIndex(F, orow + d, (float) (o / sum));
                }
            }
        }
    }

    @Override
    public long attentionScratchFloats(int tq, int tk, int headSize) {
        return 0;
    }
}
