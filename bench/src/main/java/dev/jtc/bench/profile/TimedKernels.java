package dev.jtc.bench.profile;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.kernels.QuantizedWeights;
import dev.jtc.weights.ModelConfig.Activation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's kernels with a stopwatch around every call, summed per operation (matmul per weight shape): a model
 * built on these spends its time exactly where the real kernels would, plus one {@code nanoTime} pair per call
 * (tens of nanoseconds against calls of tens of microseconds and more). Not thread-safe: one forward pass at a time.
 */
public final class TimedKernels implements Kernels {

    /** The time and count of one operation. */
    public static final class Tally {
        long nanos;
        long calls;
        double flops;

        public long nanos() {
            return nanos;
        }

        public long calls() {
            return calls;
        }

        /** Multiply-adds ×2, for the matmul and attention rows; 0 for the rest. */
        public double flops() {
            return flops;
        }
    }

    private final Kernels inner;
    private final Map<String, Tally> tallies = new TreeMap<>();

    public TimedKernels(Kernels inner) {
        this.inner = inner;
    }

    /** What was measured since the last {@link #reset}, by operation name. */
    public Map<String, Tally> tallies() {
        return tallies;
    }

    public void reset() {
        tallies.clear();
    }

    private void count(String op, long start, double flops) {
        Tally t = tallies.computeIfAbsent(op, k -> new Tally());
        t.nanos += System.nanoTime() - start;
        t.calls++;
        t.flops += flops;
    }

    @Override
    public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
        return inner.pack(w, k, n, layout, arena);
    }

    @Override
    public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                       MemorySegment c, long cOff, int ldc) {
        long start = System.nanoTime();
        inner.matmul(a, aOff, lda, m, w, bias, c, cOff, ldc);
        count("matmul " + w.k() + "→" + w.n(), start, 2.0 * m * w.k() * w.n());
    }

    @Override
    public void matmulGelu(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                           MemorySegment c, long cOff, int ldc, Activation form) {
        long start = System.nanoTime();
        inner.matmulGelu(a, aOff, lda, m, w, bias, c, cOff, ldc, form);
        count("matmul+gelu " + w.k() + "→" + w.n(), start, 2.0 * m * w.k() * w.n());
    }

    @Override
    public float column(MemorySegment a, long aOff, PackedWeights w, MemorySegment bias, int j) {
        long start = System.nanoTime();
        float r = inner.column(a, aOff, w, bias, j);
        count("column", start, 0);
        return r;
    }

    @Override
    public QuantizedWeights quantize(PackedWeights w, MemorySegment bias, Arena arena) {
        return inner.quantize(w, bias, arena);
    }

    @Override
    public void estimate(MemorySegment a, long aOff, QuantizedWeights q, MemorySegment out, long outOff) {
        long start = System.nanoTime();
        inner.estimate(a, aOff, q, out, outOff);
        count("estimate", start, 0);
    }

    @Override
    public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                          MemorySegment gamma, MemorySegment beta, float eps) {
        long start = System.nanoTime();
        inner.layerNorm(x, xOff, out, outOff, rows, d, gamma, beta, eps);
        count("layerNorm", start, 0);
    }

    @Override
    public void gelu(MemorySegment x, long off, long n, Activation form) {
        long start = System.nanoTime();
        inner.gelu(x, off, n, form);
        count("gelu", start, 0);
    }

    @Override
    public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) {
        long start = System.nanoTime();
        inner.add(dst, dstOff, src, srcOff, n);
        count("add", start, 0);
    }

    @Override
    public void softmax(MemorySegment x, long off, int n) {
        long start = System.nanoTime();
        inner.softmax(x, off, n);
        count("softmax", start, 0);
    }

    @Override
    public double logSumExp(MemorySegment x, long off, int n) {
        long start = System.nanoTime();
        double r = inner.logSumExp(x, off, n);
        count("logSumExp", start, 0);
        return r;
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        long start = System.nanoTime();
        double r = inner.dot(a, aOff, b, bOff, n);
        count("dot", start, 0);
        return r;
    }

    @Override
    public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                          MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize,
                          float scale, boolean causal, int validKeys,
                          MemorySegment out, long oOff, int ldo, MemorySegment scratch) {
        long start = System.nanoTime();
        inner.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal, validKeys,
                out, oOff, ldo, scratch);
        // Q·Kᵀ and P·V over the visible keys only (the causal triangle when causal).
        double pairs = causal ? (double) tq * (tk - tq) + tq * (tq + 1) / 2.0 : (double) tq * Math.min(tk, validKeys);
        count("attention", start, 2.0 * 2 * pairs * heads * headSize);
    }

    @Override
    public long attentionScratchFloats(int tq, int tk, int headSize) {
        return inner.attentionScratchFloats(tq, tk, headSize);
    }

    @Override
    public void close() {
        inner.close();
    }
}
