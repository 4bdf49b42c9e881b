package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by both implementations: one sentence naming the argument and what was expected. */
final class KernelChecks {

    private KernelChecks() {
    }

    static void weights(MemorySegment w, int k, int n, WeightLayout layout) {
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("pack: weight matrix sizes must be positive, got k=" + k + " inputs and n="
                    + n + " outputs.");
        }
        if (layout == null) throw new IllegalArgumentException("pack: the weight layout must be IN_OUT or OUT_IN, got null.");
        long need = (long) k * n;
        if (w.byteSize() / Float.BYTES < need) {
            throw new IllegalArgumentException("pack: the weight matrix holds " + w.byteSize() / Float.BYTES
                    + " floats but " + k + "×" + n + " = " + need + " were expected.");
        }
    }

    static void range(MemorySegment s, long off, long n, String what) {
        if (off < 0 || n < 0 || off + n > s.byteSize() / Float.BYTES) {
            throw new IllegalArgumentException(what + ": floats " + off + " .. " + (off + n)
                    + " lie outside a segment of " + s.byteSize() / Float.BYTES + " floats.");
        }
    }

    /** Rows {@code rows} of {@code width} floats at stride {@code ld} starting at {@code off} must fit. */
    static void rows(MemorySegment s, long off, int ld, int rows, long width, String what) {
        if (rows < 0) throw new IllegalArgumentException(what + ": the row count must not be negative, got " + rows + ".");
        if (ld < width) {
            throw new IllegalArgumentException(what + ": the row stride " + ld + " is smaller than the row width "
                    + width + ".");
        }
        if (rows == 0) return;
        range(s, off, (long) (rows - 1) * ld + width, what);
    }

    static void matmul(MemorySegment a, long aOff, int lda, int m, int k, int n, MemorySegment bias,
                       MemorySegment c, long cOff, int ldc) {
        rows(a, aOff, lda, m, k, "matmul input");
        rows(c, cOff, ldc, m, n, "matmul output");
        if (bias != null) range(bias, 0, n, "matmul bias");
    }

    static void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                          MemorySegment gamma, MemorySegment beta) {
        if (d <= 0) throw new IllegalArgumentException("layerNorm: the row width must be positive, got " + d + ".");
        rows(x, xOff, d, rows, d, "layerNorm input");
        rows(out, outOff, d, rows, d, "layerNorm output");
        range(gamma, 0, d, "layerNorm gamma");
        range(beta, 0, d, "layerNorm beta");
    }

    static void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                          MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize,
                          int validKeys, MemorySegment out, long oOff, int ldo, MemorySegment scratch,
                          long scratchFloats) {
        if (heads <= 0 || headSize <= 0) {
            throw new IllegalArgumentException("attention: heads and head size must be positive, got " + heads
                    + " and " + headSize + ".");
        }
        if (tq < 0 || tk < 0) {
            throw new IllegalArgumentException("attention: query and key counts must not be negative, got " + tq
                    + " and " + tk + ".");
        }
        if (validKeys < 0 || validKeys > tk) {
            throw new IllegalArgumentException("attention: validKeys must lie in 0.." + tk + " (the key count), got "
                    + validKeys + ".");
        }
        long width = (long) heads * headSize;
        rows(q, qOff, ldq, tq, width, "attention queries");
        rows(k, kOff, ldk, tk, width, "attention keys");
        rows(v, vOff, ldv, tk, width, "attention values");
        rows(out, oOff, ldo, tq, width, "attention output");
        if (scratchFloats > 0 && (scratch == null || scratch.byteSize() / Float.BYTES < scratchFloats)) {
            throw new IllegalArgumentException("attention: the scratch segment must hold at least " + scratchFloats
                    + " floats for " + tq + " queries over " + tk + " keys, got "
                    + (scratch == null ? "null" : scratch.byteSize() / Float.BYTES + " floats") + ".");
        }
    }
}
