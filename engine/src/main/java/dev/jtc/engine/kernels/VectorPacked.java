package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Weights re-laid once, at load, for {@link VectorMatmul}: column panels {@link VectorMatmul#NR}
 * wide, each stored k-major ({@code panel p, input kk} starts at {@code (p·k + kk)·NR}), the last
 * panel zero-padded. Off-heap, in the arena of whoever packs them (a model's own shared arena): loads measured
 * as fast as from heap arrays, there is no 2³¹-element limit, a gpt2-xl's 6 GB of packed weights do not weigh on
 * the Java heap or the GC, and closing the model gives them back at once.
 */
final class VectorPacked implements PackedWeights {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final MemorySegment panels;
    final int k;
    final int n;
    final int panelCount;

    private VectorPacked(MemorySegment panels, int k, int n, int panelCount) {
        this.panels = panels;
        this.k = k;
        this.n = n;
        this.panelCount = panelCount;
    }

    static VectorPacked of(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
        KernelChecks.weights(w, k, n, layout);
        int nr = VectorMatmul.NR;
        int panelCount = (n + nr - 1) / nr;
        MemorySegment panels = arena.allocate((long) panelCount * k * nr * Float.BYTES, 64);
        float[] panel = new float[k * nr]; // one panel at a time on the heap, then one bulk copy
        for (int p = 0; p < panelCount; p++) {
            int col0 = p * nr, cols = Math.min(nr, n - col0);
            if (cols < nr) java.util.Arrays.fill(panel, 0f);
            if (layout == WeightLayout.IN_OUT) {
                for (int kk = 0; kk < k; kk++) {
                    MemorySegment.copy(w, F, ((long) kk * n + col0) * Float.BYTES, panel, kk * nr, cols);
                }
            } else {
                // Row j of an [out, in] matrix is column j here: read it whole, scatter it down the panel.
                float[] row = new float[k];
                for (int jj = 0; jj < cols; jj++) {
                    MemorySegment.copy(w, F, (long) (col0 + jj) * k * Float.BYTES, row, 0, k);
                    for (int kk = 0; kk < k; kk++) panel[kk * nr + jj] = row[kk];
                }
            }
            MemorySegment.copy(panel, 0, panels, ValueLayout.JAVA_FLOAT, (long) p * k * nr * Float.BYTES, k * nr);
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
