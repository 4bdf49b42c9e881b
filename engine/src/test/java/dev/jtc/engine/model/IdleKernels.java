package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.kernels.QuantizedWeights;
import dev.jtc.weights.ModelConfig.Activation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Kernels that do no arithmetic: calls through them cost only the model's own bookkeeping, which is what an
 * allocation test of the model code measures (the real kernels' own allocation is the kernels' tests' business).
 */
final class IdleKernels implements Kernels {

    private record Packed(int k, int n) implements PackedWeights {
    }

    @Override
    public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
        return new Packed(k, n);
    }

    @Override
    public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                       MemorySegment c, long cOff, int ldc) {
    }

    @Override
    public float column(MemorySegment a, long aOff, PackedWeights w, MemorySegment bias, int j) {
        return 0;
    }

    @Override
    public QuantizedWeights quantize(PackedWeights w, MemorySegment bias, Arena arena) {
        throw new UnsupportedOperationException("idle kernels quantize nothing");
    }

    @Override
    public void estimate(MemorySegment a, long aOff, QuantizedWeights q, MemorySegment out, long outOff) {
    }

    @Override
    public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                          MemorySegment gamma, MemorySegment beta, float eps) {
    }

    @Override
    public void gelu(MemorySegment x, long off, long n, Activation form) {
    }

    @Override
    public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) {
    }

    @Override
    public void softmax(MemorySegment x, long off, int n) {
    }

    @Override
    public double logSumExp(MemorySegment x, long off, int n) {
        return 0;
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        return 0;
    }

    @Override
    public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                          MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize, float scale,
                          boolean causal, int validKeys, MemorySegment out, long oOff, int ldo, MemorySegment scratch) {
    }

    @Override
    public long attentionScratchFloats(int tq, int tk, int headSize) {
        return (long) tk * headSize;
    }
}
