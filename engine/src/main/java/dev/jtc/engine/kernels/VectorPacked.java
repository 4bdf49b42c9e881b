package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Weights re-laid once, at load, for {@link VectorMatmul}: column panels {@link VectorMatmul#NR}
 * wide, each stored k-major ({@code panel p, input kk} starts at {@code (p·k + kk)·NR}), the last
 * panel zero-padded. Heap arrays: the micro-kernel's {@code fromArray} loads measured as fast as
 * off-heap ones and the JIT hoists their bounds checks.
 */
final class VectorPacked implements PackedWeights {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final float[] panels;
    final int k;
    final int n;
    final int panelCount;

    private VectorPacked(float[] panels, int k, int n, int panelCount) {
        this.panels = panels;
        this.k = k;
        this.n = n;
        this.panelCount = panelCount;
    }

    static VectorPacked of(MemorySegment w, int k, int n, WeightLayout layout) {
        KernelChecks.weights(w, k, n, layout);
        int nr = VectorMatmul.NR;
        int panelCount = (n + nr - 1) / nr;
        long size = (long) panelCount * k * nr;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("pack: a " + k + "×" + n + " weight matrix is too large for one packed "
                    + "array (" + size + " floats, at most " + (Integer.MAX_VALUE - 16) + ").");
        }
        float[] panels = new float[(int) size];
        for (int p = 0; p < panelCount; p++) {
            int col0 = p * nr, cols = Math.min(nr, n - col0);
            int base = p * k * nr;
            if (layout == WeightLayout.IN_OUT) {
                for (int kk = 0; kk < k; kk++) {
                    MemorySegment.copy(w, F, ((long) kk * n + col0) * Float.BYTES, panels, base + kk * nr, cols);
                }
            } else {
                // Row j of an [out, in] matrix is column j here: scatter it down the panel.
                for (int jj = 0; jj < cols; jj++) {
                    long row = (long) (col0 + jj) * k;
                    for (int kk = 0; kk < k; kk++) panels[base + kk * nr + jj] = w.getAtIndex(F, row + kk);
                }
            }
        }
        return new VectorPacked(panels, k, n, panelCount);
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int n() {
        return n;
    }
}
