package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The kernels on jdk.incubator.vector with the preferred species (512-bit where AVX-512 exists),
 * tails handled with masks. Matmul and attention share one team of {@code threads} threads
 * ({@code -Djtc.threads}, default: the available processors).
 *
 * <p>Every result is defined bit for bit by IEEE arithmetic in a fixed order, so it is the same whichever
 * JIT tier runs the code (interpreter, C1, C2) and with any thread count: {@code jtc fit} must be
 * reproducible. The Vector API's own lane sums and exp are not (their Java fallback and C2's intrinsics round
 * differently); the kernels use {@link LaneSum} and {@link VectorExp} instead. Lane MAX is exact in any order
 * and stays. Only results on a different vector width (another CPU) may differ.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Doubles in the same register width, and the floats that widen into exactly one register of them. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private static volatile VectorKernels shared;

    /** Per thread, one vector's lanes: where logSumExp reads its lane sums from. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    private final WorkerPool pool;
    private final VectorMatmul matmul;
    private final VectorAttention attention;
    private final EstimateCall estimateCall = new EstimateCall();

    VectorKernels(int threads) {
        this.pool = new WorkerPool(threads);
        this.matmul = new VectorMatmul(pool);
        this.attention = new VectorAttention(pool);
    }

    static VectorKernels instance() {
        VectorKernels k = shared;
        if (k == null) {
            synchronized (VectorKernels.class) {
                if (shared == null) shared = new VectorKernels(configuredThreads());
                k = shared;
            }
        }
        return k;
    }

    /** {@code -Djtc.threads}, else one thread per physical core available to this process. */
    static int configuredThreads() {
        String s = System.getProperty("jtc.threads");
        if (s == null || s.isBlank()) return PhysicalCores.available();
        try {
            int t = Integer.parseInt(s.trim());
            if (t >= 1) return t;
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("-Djtc.threads must be a positive whole number of kernel threads, got \""
                + s + "\".");
    }

    int threads() {
        return pool.size();
    }

    /** The prefix of this team's worker thread names. */
    String teamName() {
        return pool.name();
    }

    /** Ends the team's threads, except for the process-wide {@link #instance()}, which other models share. */
    @Override
    public void close() {
        if (this != shared) pool.close();
    }

    @Override
    public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
        pool.requireOpen();
        return VectorPacked.of(w, k, n, layout, arena);
    }

    @Override
    public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                       MemorySegment c, long cOff, int ldc) {
        pool.requireOpen();
        matmul.matmul(a, aOff, lda, m, packed(w, "matmul"), bias, c, cOff, ldc, null);
    }

    @Override
    public void matmulGelu(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                           MemorySegment c, long cOff, int ldc, Activation form) {
        pool.requireOpen();
        requireForm(form, "matmulGelu");
        matmul.matmul(a, aOff, lda, m, packed(w, "matmulGelu"), bias, c, cOff, ldc, form);
    }

    @Override
    public float column(MemorySegment a, long aOff, PackedWeights w, MemorySegment bias, int j) {
        pool.requireOpen();
        VectorPacked vp = packed(w, "column");
        KernelChecks.range(a, aOff, vp.k, "column");
        if (j < 0 || j >= vp.n) throw new IllegalArgumentException("column: " + j + " is not a column of a matrix with " + vp.n + ".");
        if (bias != null) KernelChecks.range(bias, 0, vp.n, "column: bias");
        return VectorMatmul.column(a, aOff, vp, bias, j);
    }

    @Override
    public QuantizedWeights quantize(PackedWeights w, MemorySegment bias, Arena arena) {
        pool.requireOpen();
        return VectorQuantized.of(packed(w, "quantize"), bias, arena);
    }

    @Override
    public void estimate(MemorySegment a, long aOff, QuantizedWeights q, MemorySegment out, long outOff) {
        pool.requireOpen();
        if (!(q instanceof VectorQuantized vq)) {
            throw new IllegalArgumentException("estimate: the weights were quantized by another Kernels implementation ("
                    + q.getClass().getSimpleName() + "); quantize them with the vector kernels.");
        }
        KernelChecks.range(a, aOff, vq.k, "estimate");
        KernelChecks.range(out, outOff, vq.n, "estimate");
        if (pool.size() > 1 && vq.worthSharing() && pool.reaches(a) && pool.reaches(out) && pool.tryAcquire()) {
            EstimateCall j = estimateCall;
            try {
                j.a = a; j.aOff = aOff; j.q = vq; j.out = out; j.outOff = outOff;
                pool.run(j);
            } finally {
                j.a = null; j.q = null; j.out = null;
                pool.release();
            }
            return;
        }
        vq.estimate(a, aOff, out, outOff, 0, vq.panelCount);
    }

    /** The arguments of the estimate the team is working on, reused (a lambda would allocate per call); only touched while holding the pool. */
    private static final class EstimateCall implements WorkerPool.Job {
        MemorySegment a, out;
        long aOff, outOff;
        VectorQuantized q;

        @Override
        public void run(int member, int members, int executor) {
            q.estimate(a, aOff, out, outOff, (int) ((long) q.panelCount * member / members),
                    (int) ((long) q.panelCount * (member + 1) / members));
        }
    }

    private static VectorPacked packed(PackedWeights w, String what) {
        if (!(w instanceof VectorPacked vp)) {
            throw new IllegalArgumentException(what + ": the weights were packed by another Kernels implementation ("
                    + w.getClass().getSimpleName() + "); pack them with the vector kernels.");
        }
        return vp;
    }

    @Override
    public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                          MemorySegment gamma, MemorySegment beta, float eps) {
        pool.requireOpen();
        KernelChecks.layerNorm(x, xOff, out, outOff, rows, d, gamma, beta);
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * d) * Float.BYTES, ob = (outOff + (long) r * d) * Float.BYTES;
            // Two passes, as PyTorch: the mean first, then the mean square deviation from it.
            float mean = rowMean(x, xb, d);
            float var = rowVariance(x, xb, d, mean);
            normalizeRow(x, xb, out, ob, d, mean, (float) (1.0 / Math.sqrt(var + eps)), gamma, beta);
        }
    }

    /*
     * LayerNorm's three passes are three methods that pass only scalars: as one method with the row loop,
     * C1 ran out of virtual registers compiling it (its OSR compile was skipped), which on a small model
     * left it at tier 2, boxing every vector, for seconds of warm-up.
     */

    /** The mean of {@code d} floats at byte offset {@code xb}, summed in two accumulators. */
    private static float rowMean(MemorySegment x, long xb, int d) {
        int body = S.loopBound(d);
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int i = 0;
        for (; i + L < body; i += 2 * L) {
            s0 = s0.add(FloatVector.fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE));
            s1 = s1.add(FloatVector.fromMemorySegment(S, x, xb + (long) (i + L) * Float.BYTES, NATIVE));
        }
        for (; i < body; i += L) s0 = s0.add(FloatVector.fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE));
        if (body < d) {
            VectorMask<Float> tail = S.indexInRange(body, d);
            s1 = s1.add(FloatVector.fromMemorySegment(S, x, xb + (long) body * Float.BYTES, NATIVE, tail));
        }
        return LaneSum.of(s0.add(s1)) / d;
    }

    /** The mean of {@code (x − mean)²} over the row. */
    private static float rowVariance(MemorySegment x, long xb, int d, float mean) {
        int body = S.loopBound(d);
        FloatVector mv = FloatVector.broadcast(S, mean);
        FloatVector q0 = FloatVector.zero(S), q1 = q0;
        int i = 0;
        for (; i + L < body; i += 2 * L) {
            FloatVector t0 = FloatVector.fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE).sub(mv);
            FloatVector t1 = FloatVector.fromMemorySegment(S, x, xb + (long) (i + L) * Float.BYTES, NATIVE).sub(mv);
            q0 = t0.fma(t0, q0);
            q1 = t1.fma(t1, q1);
        }
        for (; i < body; i += L) {
            FloatVector t0 = FloatVector.fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE).sub(mv);
            q0 = t0.fma(t0, q0);
        }
        if (body < d) {
            VectorMask<Float> tail = S.indexInRange(body, d);
            FloatVector t1 = FloatVector.fromMemorySegment(S, x, xb + (long) body * Float.BYTES, NATIVE, tail)
                    .sub(mv, tail);
            q1 = t1.fma(t1, q1);
        }
        return LaneSum.of(q0.add(q1)) / d;
    }

    /** {@code out = (x − mean)·inv·γ + β} over the row. */
    private static void normalizeRow(MemorySegment x, long xb, MemorySegment out, long ob, int d, float mean, float inv,
                                     MemorySegment gamma, MemorySegment beta) {
        int body = S.loopBound(d);
        FloatVector mv = FloatVector.broadcast(S, mean), iv = FloatVector.broadcast(S, inv);
        for (int i = 0; i < body; i += L) {
            long e = (long) i * Float.BYTES;
            FloatVector t = FloatVector.fromMemorySegment(S, x, xb + e, NATIVE).sub(mv).mul(iv);
            t.fma(FloatVector.fromMemorySegment(S, gamma, e, NATIVE), FloatVector.fromMemorySegment(S, beta, e, NATIVE))
                    .intoMemorySegment(out, ob + e, NATIVE);
        }
        if (body < d) {
            VectorMask<Float> tail = S.indexInRange(body, d);
            long e = (long) body * Float.BYTES;
            FloatVector t = FloatVector.fromMemorySegment(S, x, xb + e, NATIVE, tail).sub(mv).mul(iv);
            t.fma(FloatVector.fromMemorySegment(S, gamma, e, NATIVE, tail),
                    FloatVector.fromMemorySegment(S, beta, e, NATIVE, tail)).intoMemorySegment(out, ob + e, NATIVE, tail);
        }
    }

    @Override
    public void gelu(MemorySegment x, long off, long n, Activation form) {
        pool.requireOpen();
        KernelChecks.range(x, off, n, "gelu");
        requireForm(form, "gelu");
        VectorGelu.apply(x, off * Float.BYTES, n, form);
    }

    private static void requireForm(Activation form, String what) {
        if (form == null) throw new IllegalArgumentException(what + ": the form must be GELU_ERF or GELU_TANH, got null.");
    }

    @Override
    public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) {
        pool.requireOpen();
        KernelChecks.range(dst, dstOff, n, "add destination");
        KernelChecks.range(src, srcOff, n, "add source");
        long body = n - n % L, i = 0;
        for (; i < body; i += L) {
            long d = (dstOff + i) * Float.BYTES, s = (srcOff + i) * Float.BYTES;
            FloatVector.fromMemorySegment(S, dst, d, NATIVE).add(FloatVector.fromMemorySegment(S, src, s, NATIVE))
                    .intoMemorySegment(dst, d, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(0, (int) (n - i));
            long d = (dstOff + i) * Float.BYTES, s = (srcOff + i) * Float.BYTES;
            FloatVector.fromMemorySegment(S, dst, d, NATIVE, m).add(FloatVector.fromMemorySegment(S, src, s, NATIVE, m))
                    .intoMemorySegment(dst, d, NATIVE, m);
        }
    }

    @Override
    public void softmax(MemorySegment x, long off, int n) {
        pool.requireOpen();
        KernelChecks.range(x, off, n, "softmax");
        softmaxInPlace(x, off * Float.BYTES, n);
    }

    @Override
    public double logSumExp(MemorySegment x, long off, int n) {
        pool.requireOpen();
        KernelChecks.range(x, off, n, "logSumExp");
        if (n < 1) throw new IllegalArgumentException("logSumExp needs at least one value, got n = " + n + ".");
        long base = off * Float.BYTES;
        int body = S.loopBound(n);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < body; i += L) mx = mx.max(FloatVector.fromMemorySegment(S, x, base + (long) i * Float.BYTES, NATIVE));
        float max = mx.reduceLanes(VectorOperators.MAX);
        // The tail one float at a time: masked tail vectors were boxed on every call, a few hundred bytes each.
        for (int i = body; i < n; i++) max = Math.max(max, x.getAtIndex(ValueLayout.JAVA_FLOAT, off + i));
        if (Float.isInfinite(max) || Float.isNaN(max)) return max;
        FloatVector shift = FloatVector.broadcast(S, max);
        // Tens of thousands of terms summed plainly in float lanes would lose about 1e-5 of the total, which shows
        // in small KL divergences; a compensated (Kahan) sum keeps the error near one float rounding of each lane's
        // total, in registers. The compensated lanes are then summed in double from an array, in lane order (widening
        // them to double, reading lanes by a variable index or passing the vector to LaneSum boxed it on every
        // call), and the tail's terms after them.
        FloatVector sum = FloatVector.zero(S), lost = FloatVector.zero(S);
        for (int i = 0; i < body; i += L) {
            FloatVector y = VectorExp.exp(FloatVector.fromMemorySegment(S, x, base + (long) i * Float.BYTES, NATIVE).sub(shift)).sub(lost);
            FloatVector t = sum.add(y);
            lost = t.sub(sum).sub(y);
            sum = t;
        }
        float[] lanes = LANES.get();
        sum.sub(lost).intoArray(lanes, 0);
        double total = 0;
        for (float lane : lanes) total += lane;
        for (int i = body; i < n; i++) total += StrictMath.exp(x.getAtIndex(ValueLayout.JAVA_FLOAT, off + i) - max);
        return max + Math.log(total);
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        pool.requireOpen();
        KernelChecks.range(a, aOff, n, "dot");
        KernelChecks.range(b, bOff, n, "dot");
        long aBase = aOff * Float.BYTES, bBase = bOff * Float.BYTES;
        // Floats are loaded half a register at a time and widened whole (a part-0 cast C2 keeps in registers):
        // every product and sum is then exact to double rounding.
        int step = HALF.length();
        int body = HALF.loopBound(n);
        DoubleVector acc0 = DoubleVector.zero(D), acc1 = DoubleVector.zero(D);
        int i = 0;
        for (; i + step < body; i += 2 * step) {
            acc0 = widen(a, aBase, i).fma(widen(b, bBase, i), acc0);
            acc1 = widen(a, aBase, i + step).fma(widen(b, bBase, i + step), acc1);
        }
        if (i < body) acc0 = widen(a, aBase, i).fma(widen(b, bBase, i), acc0);
        double sum = LaneSum.of(acc0.add(acc1));
        for (i = body; i < n; i++) {
            sum += (double) a.getAtIndex(ValueLayout.JAVA_FLOAT, aOff + i) * b.getAtIndex(ValueLayout.JAVA_FLOAT, bOff + i);
        }
        return sum;
    }

    /** {@code HALF.length()} floats at element {@code i}, widened to one register of doubles. */
    private static DoubleVector widen(MemorySegment x, long base, int i) {
        return (DoubleVector) FloatVector.fromMemorySegment(HALF, x, base + (long) i * Float.BYTES, NATIVE)
                .convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * The tail of a row, its inactive lanes −∞ (they neither win a max nor add e⁰ to a sum). Loaded where it is
     * used rather than kept in a variable that may be null: C2 keeps only a never-null vector in registers.
     */
    private static FloatVector tail(MemorySegment x, long base, int body, VectorMask<Float> tail) {
        return FloatVector.fromMemorySegment(S, x, base + (long) body * Float.BYTES, NATIVE, tail)
                .blend(Float.NEGATIVE_INFINITY, tail.not());
    }

    /** Softmax of {@code n} floats at byte offset {@code base}: max-subtract, exp, one multiply by 1/sum. */
    static void softmaxInPlace(MemorySegment x, long base, int n) {
        if (n == 0) return;
        int body = S.loopBound(n);
        VectorMask<Float> tail = S.indexInRange(body, n);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < body; i += L) mx = mx.max(FloatVector.fromMemorySegment(S, x, base + (long) i * Float.BYTES, NATIVE));
        float max = mx.reduceLanes(VectorOperators.MAX);
        if (body < n) {
            max = Math.max(max, FloatVector.fromMemorySegment(S, x, base + (long) body * Float.BYTES, NATIVE, tail)
                    .reduceLanes(VectorOperators.MAX, tail));
        }
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < body; i += L) {
            long b = base + (long) i * Float.BYTES;
            FloatVector e = VectorExp.exp(FloatVector.fromMemorySegment(S, x, b, NATIVE).sub(mv));
            sum = sum.add(e);
            e.intoMemorySegment(x, b, NATIVE);
        }
        if (body < n) {
            long b = base + (long) body * Float.BYTES;
            FloatVector e = VectorExp.exp(FloatVector.fromMemorySegment(S, x, b, NATIVE, tail).sub(mv));
            sum = sum.add(e, tail);
            e.intoMemorySegment(x, b, NATIVE, tail);
        }
        float total = LaneSum.of(sum);
        FloatVector inv = FloatVector.broadcast(S, 1f / total);
        for (int i = 0; i < body; i += L) {
            long b = base + (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, b, NATIVE).mul(inv).intoMemorySegment(x, b, NATIVE);
        }
        if (body < n) {
            long b = base + (long) body * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, b, NATIVE, tail).mul(inv).intoMemorySegment(x, b, NATIVE, tail);
        }
    }

    @Override
    public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                          MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize,
                          float scale, boolean causal, int validKeys,
                          MemorySegment out, long oOff, int ldo, MemorySegment scratch) {
        pool.requireOpen();
        KernelChecks.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, validKeys,
                out, oOff, ldo, scratch, 0);
        attention.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal,
                validKeys, out, oOff, ldo);
    }

    /** The vector attention keeps its own per-thread scratch (it runs heads on the whole team). */
    @Override
    public long attentionScratchFloats(int tq, int tk, int headSize) {
        return 0;
    }
}
