package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;

import java.lang.foreign.MemorySegment;

/** Placeholder until the Vector API kernels land: delegates to the scalar twin. */
final class VectorKernels implements Kernels {
    private static final VectorKernels INSTANCE = new VectorKernels();
    private final Kernels s = ScalarKernels.instance();

    static VectorKernels instance() {
        return INSTANCE;
    }

    @Override public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout) { return s.pack(w, k, n, layout); }
    @Override public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias, MemorySegment c, long cOff, int ldc) { s.matmul(a, aOff, lda, m, w, bias, c, cOff, ldc); }
    @Override public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d, MemorySegment gamma, MemorySegment beta, float eps) { s.layerNorm(x, xOff, out, outOff, rows, d, gamma, beta, eps); }
    @Override public void gelu(MemorySegment x, long off, long n, Activation form) { s.gelu(x, off, n, form); }
    @Override public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) { s.add(dst, dstOff, src, srcOff, n); }
    @Override public void softmax(MemorySegment x, long off, int n) { s.softmax(x, off, n); }
    @Override public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk, MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize, float scale, boolean causal, int validKeys, MemorySegment out, long oOff, int ldo, MemorySegment scratch) { s.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal, validKeys, out, oOff, ldo, scratch); }
    @Override public long attentionScratchFloats(int tq, int tk, int headSize) { return s.attentionScratchFloats(tq, tk, headSize); }
}
