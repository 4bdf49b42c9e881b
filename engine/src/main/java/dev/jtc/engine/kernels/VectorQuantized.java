package dev.jtc.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link QuantizedWeights} for the vector kernels, and the one-row estimate that reads them: the columns of a
 * {@link VectorPacked} matrix as signed bytes with one float scale per column ({@code s_j = max_k |w_kj| / 127},
 * {@code q_kj = round(w_kj / s_j)}), in panels of one vector of columns ({@code L}), k-major, so that a panel is one
 * contiguous stream of {@code k·L} bytes. A step of k loads L bytes and widens them to floats in one conversion (a
 * byte vector of as many lanes as a float vector, which C2 turns into sign extension and an integer-to-float
 * conversion in registers).
 */
final class VectorQuantized implements QuantizedWeights {

    private static final VectorSpecies<Float> S = VectorMatmul.S;
    private static final int L = VectorMatmul.L;
    private static final int NR = VectorMatmul.NR;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Below this many weights, waking the team costs more than it saves. */
    private static final long PARALLEL_MIN_WEIGHTS = 1L << 17;

    final MemorySegment bytes;
    /** Per column, padded to whole panels: the scale s_j and the bias (zero where there is none or no column). */
    final MemorySegment scale, bias;
    final int k, n, panelCount;
    private final double[] slope, intercept;

    private VectorQuantized(MemorySegment bytes, MemorySegment scale, MemorySegment bias, int k, int n, int panelCount,
                            double[] slope, double[] intercept) {
        this.bytes = bytes;
        this.scale = scale;
        this.bias = bias;
        this.k = k;
        this.n = n;
        this.panelCount = panelCount;
        this.slope = slope;
        this.intercept = intercept;
    }

    static VectorQuantized of(VectorPacked w, MemorySegment bias, Arena arena) {
        int k = w.k, n = w.n, panels = (n + L - 1) / L;
        if (bias != null) KernelChecks.range(bias, 0, n, "quantize: bias");
        MemorySegment bytes = arena.allocate((long) panels * k * L, 64);
        MemorySegment scales = arena.allocate((long) panels * L * Float.BYTES, 64);
        MemorySegment biases = arena.allocate((long) panels * L * Float.BYTES, 64);
        double[] slope = new double[n], intercept = new double[n];
        float[] column = new float[k];
        byte[] q = new byte[k];
        for (int j = 0; j < n; j++) {
            long from = (long) (j / NR) * k * NR + j % NR; // element (kk = 0, j) of the float panels
            for (int kk = 0; kk < k; kk++) column[kk] = w.panels.getAtIndex(F, from + (long) kk * NR);
            float b = bias == null ? 0f : bias.getAtIndex(F, j);
            QuantizedColumn c = QuantizedColumn.of(column, k, j, b, q);
            long to = (long) (j / L) * k * L + j % L;
            for (int kk = 0; kk < k; kk++) bytes.set(ValueLayout.JAVA_BYTE, to + (long) kk * L, q[kk]);
            scales.setAtIndex(F, j, c.scale());
            biases.setAtIndex(F, j, b);
            slope[j] = c.slope();
            intercept[j] = c.intercept();
        }
        return new VectorQuantized(bytes, scales, biases, k, n, panels, slope, intercept);
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public double errorBound(int j, double inputNorm) {
        return slope[j] * inputNorm + intercept[j];
    }

    /** Panels {@code p0..p1−1} of the estimate of {@code a·W + bias} for the row at element {@code aOff}. */
    void estimate(MemorySegment a, long aOff, MemorySegment out, long outOff, int p0, int p1) {
        for (int p = p0; p < p1; p++) panel(a, aOff, p, out, outOff);
    }

    /**
     * One panel, one vector of columns: four fma chains over k (k mod 4 picks the chain, so they run in parallel),
     * summed, then scaled and biased. Small on purpose: with four vectors of columns in one method, C1 ran out of
     * registers compiling it, the profiling tier never finished, C2 never took over, and every vector was boxed.
     */
    private void panel(MemorySegment a, long aOff, int p, MemorySegment out, long outOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        long base = (long) p * k * L;
        int kk = 0;
        for (; kk + 3 < k; kk += 4) {
            long o = base + (long) kk * L;
            s0 = FloatVector.broadcast(S, a.getAtIndex(F, aOff + kk)).fma(widen(o), s0);
            s1 = FloatVector.broadcast(S, a.getAtIndex(F, aOff + kk + 1)).fma(widen(o + L), s1);
            s2 = FloatVector.broadcast(S, a.getAtIndex(F, aOff + kk + 2)).fma(widen(o + 2L * L), s2);
            s3 = FloatVector.broadcast(S, a.getAtIndex(F, aOff + kk + 3)).fma(widen(o + 3L * L), s3);
        }
        for (; kk < k; kk++) s0 = FloatVector.broadcast(S, a.getAtIndex(F, aOff + kk)).fma(widen(base + (long) kk * L), s0);
        long cb = (long) p * L * Float.BYTES;
        FloatVector sum = s0.add(s1).add(s2.add(s3))
                .mul(FloatVector.fromMemorySegment(S, scale, cb, NATIVE)).add(FloatVector.fromMemorySegment(S, bias, cb, NATIVE));
        int col = p * L;
        long ob = (outOff + col) * Float.BYTES;
        if (col + L <= n) sum.intoMemorySegment(out, ob, NATIVE);
        else sum.intoMemorySegment(out, ob, NATIVE, S.indexInRange(col, n));
    }

    /** L weights of a panel as floats; small enough that C2 always inlines it (a vector returned is not boxed then). */
    private FloatVector widen(long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, bytes, offset, NATIVE).convertShape(VectorOperators.B2F, S, 0);
    }

    /** Whether splitting the panels over a team pays. */
    boolean worthSharing() {
        return (long) k * n >= PARALLEL_MIN_WEIGHTS;
    }
}
