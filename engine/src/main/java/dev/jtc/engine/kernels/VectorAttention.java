package dev.jtc.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Scaled-dot-product attention, register-tiled like the matmul: per head the keys are transposed
 * and the values copied once into thread-owned arrays, then blocks of {@link #QB} queries compute
 * their scores against 2 vectors of keys at a time (16 accumulators over the head dimension),
 * take a softmax over their visible prefix, and multiply by V with the head dimension across
 * the lanes. Eight queries share each load of K and V: at long sequences a head's keys and values
 * no longer fit L1, and with four queries per load the loops waited on L2. The (head, query block)
 * grid is split over the team in contiguous runs, so each thread transposes a head at most once.
 */
final class VectorAttention {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int QB = 8;
    private static final int NV = 2;
    private static final int W = NV * L;
    private static final long PARALLEL_MIN_MACS = 1L << 16;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Thread-owned arrays, grown to the largest sequence seen (so nothing is allocated once warm). */
    static final class Buffers {
        float[] kt = new float[0], vh = new float[0], scores = new float[0], qb = new float[0];
        final float[] out = new float[QB * W];
        /** Per query of the block: its visible keys, then 1/Σ of its softmax. */
        final int[] visible = new int[QB];
        final float[] inv = new float[QB];
        /** One vector's lanes, where a row's softmax sum is read out and added up. */
        final float[] lanes = new float[L];
        int head = -1;

        void ensure(int ktFloats, int vFloats, int scoreFloats, int qFloats) {
            if (kt.length < ktFloats) kt = new float[ktFloats];
            if (vh.length < vFloats) vh = new float[vFloats];
            if (scores.length < scoreFloats) scores = new float[scoreFloats];
            if (qb.length < qFloats) qb = new float[qFloats];
        }
    }

    private static final ThreadLocal<Buffers> CALLER = ThreadLocal.withInitial(Buffers::new);

    private final class Call implements WorkerPool.Job {
        MemorySegment q, k, v, out;
        long qOff, kOff, vOff, oOff;
        int ldq, ldk, ldv, ldo, tq, tk, heads, headSize, validKeys;
        float scale;
        boolean causal;

        @Override
        public void run(int member, int members, int executor) {
            Buffers b = executor == 0 ? CALLER.get() : workerBuffers[executor];
            share(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal, validKeys,
                    out, oOff, ldo, member, members, b);
        }
    }

    private final WorkerPool pool;
    private final Buffers[] workerBuffers;
    private final Call call = new Call();

    VectorAttention(WorkerPool pool) {
        this.pool = pool;
        this.workerBuffers = new Buffers[pool.size()];
        for (int i = 1; i < pool.size(); i++) workerBuffers[i] = new Buffers();
    }

    void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                   MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize,
                   float scale, boolean causal, int validKeys, MemorySegment out, long oOff, int ldo) {
        if (tq == 0) return;
        if (pool.size() > 1 && (long) tq * tk * headSize * heads >= PARALLEL_MIN_MACS && pool.reaches(q)
                && pool.reaches(k) && pool.reaches(v) && pool.reaches(out) && pool.tryAcquire()) {
            Call c = call;
            try {
                c.q = q; c.qOff = qOff; c.ldq = ldq; c.k = k; c.kOff = kOff; c.ldk = ldk;
                c.v = v; c.vOff = vOff; c.ldv = ldv; c.tq = tq; c.tk = tk; c.heads = heads; c.headSize = headSize;
                c.scale = scale; c.causal = causal; c.validKeys = validKeys; c.out = out; c.oOff = oOff; c.ldo = ldo;
                pool.run(c);
            } finally {
                c.q = null; c.k = null; c.v = null; c.out = null;
                pool.release();
            }
            return;
        }
        share(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal, validKeys,
                out, oOff, ldo, 0, 1, CALLER.get());
    }

    static void share(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                      MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int hs,
                      float scale, boolean causal, int validKeys, MemorySegment out, long oOff, int ldo,
                      int member, int members, Buffers b) {
        int blocks = (tq + QB - 1) / QB;
        long units = (long) heads * blocks;
        long u0 = units * member / members, u1 = units * (member + 1) / members;
        if (u0 >= u1) return;
        int keys = 0;
        for (int i = 0; i < tq; i++) keys = Math.max(keys, Masking.visibleKeys(i, tq, tk, causal, validKeys));
        int keysPad = roundUp(Math.max(keys, 1), W), hsPad = roundUp(hs, W);
        b.ensure(hs * keysPad, keys * hsPad, QB * keysPad, QB * hs);
        b.head = -1; // keys and values are new on every call
        for (long u = u0; u < u1; u++) {
            int h = (int) (u / blocks), blk = (int) (u % blocks);
            if (h != b.head) {
                loadHead(k, kOff, ldk, v, vOff, ldv, h, hs, keys, keysPad, hsPad, b);
                b.head = h;
            }
            block(q, qOff, ldq, tq, tk, h, hs, scale, causal, validKeys, out, oOff, ldo, blk * QB, keysPad, hsPad, b);
        }
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** K_hᵀ as [hs][keysPad] and V_h as [keys][hsPad]; the padding is zero so full vectors read it harmlessly. */
    private static void loadHead(MemorySegment k, long kOff, int ldk, MemorySegment v, long vOff, int ldv, int h,
                                 int hs, int keys, int keysPad, int hsPad, Buffers b) {
        float[] kt = b.kt, vh = b.vh;
        long col = (long) h * hs;
        float[] row = b.qb; // free until the first block: holds one key row at a time
        for (int j = 0; j < keys; j++) {
            MemorySegment.copy(k, F, (kOff + (long) j * ldk + col) * Float.BYTES, row, 0, hs);
            for (int d = 0; d < hs; d++) kt[d * keysPad + j] = row[d];
        }
        for (int d = 0; d < hs; d++) Arrays.fill(kt, d * keysPad + keys, (d + 1) * keysPad, 0f);
        for (int j = 0; j < keys; j++) {
            MemorySegment.copy(v, F, (vOff + (long) j * ldv + col) * Float.BYTES, vh, j * hsPad, hs);
            Arrays.fill(vh, j * hsPad + hs, (j + 1) * hsPad, 0f);
        }
    }

    private static void block(MemorySegment q, long qOff, int ldq, int tq, int tk, int h, int hs, float scale,
                              boolean causal, int validKeys, MemorySegment out, long oOff, int ldo, int i0,
                              int keysPad, int hsPad, Buffers b) {
        int rows = Math.min(QB, tq - i0);
        int[] visible = b.visible;
        int vmax = 0;
        for (int r = 0; r < QB; r++) {
            visible[r] = r < rows ? Masking.visibleKeys(i0 + r, tq, tk, causal, validKeys) : 0;
            vmax = Math.max(vmax, visible[r]);
        }
        long col = (long) h * hs;
        if (vmax == 0) {
            for (int r = 0; r < rows; r++) {
                out.asSlice((oOff + (long) (i0 + r) * ldo + col) * Float.BYTES, (long) hs * Float.BYTES).fill((byte) 0);
            }
            return;
        }
        float[] qb = b.qb, kt = b.kt, s = b.scores, vh = b.vh;
        for (int r = 0; r < QB; r++) {
            if (r < rows) MemorySegment.copy(q, F, (qOff + (long) (i0 + r) * ldq + col) * Float.BYTES, qb, r * hs, hs);
            else Arrays.fill(qb, r * hs, (r + 1) * hs, 0f);
        }
        scores(qb, kt, s, hs, keysPad, roundUp(vmax, W), scale);
        // Softmax over each row's visible prefix; the rest of the row up to vmax becomes 0.
        for (int r = 0; r < QB; r++) b.inv[r] = softmaxPrefix(s, r * keysPad, visible[r], vmax, b.lanes);
        // P·V: 8 queries × 2 vectors of the head dimension per pass, the keys as the reduction.
        for (int c = 0; c < hs; c += W) {
            weightedValues(s, vh, keysPad, hsPad, c, vmax, b.out);
            for (int r = 0; r < rows; r++) storeRow(b.out, r * W, out, oOff, ldo, i0 + r, col, c, hs, b.inv[r]);
        }
    }

    /** Scaled scores of the block's 8 queries against keys {@code 0..jEnd-1}: 8 queries × 2 vectors of keys per pass. */
    private static void scores(float[] qb, float[] kt, float[] s, int hs, int keysPad, int jEnd, float scale) {
        for (int j = 0; j < jEnd; j += W) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                    a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
            for (int d = 0; d < hs; d++) {
                int o = d * keysPad + j;
                FloatVector k0 = FloatVector.fromArray(S, kt, o), k1 = FloatVector.fromArray(S, kt, o + L);
                FloatVector x = FloatVector.broadcast(S, qb[d]);
                a00 = x.fma(k0, a00); a01 = x.fma(k1, a01);
                x = FloatVector.broadcast(S, qb[hs + d]);
                a10 = x.fma(k0, a10); a11 = x.fma(k1, a11);
                x = FloatVector.broadcast(S, qb[2 * hs + d]);
                a20 = x.fma(k0, a20); a21 = x.fma(k1, a21);
                x = FloatVector.broadcast(S, qb[3 * hs + d]);
                a30 = x.fma(k0, a30); a31 = x.fma(k1, a31);
                x = FloatVector.broadcast(S, qb[4 * hs + d]);
                a40 = x.fma(k0, a40); a41 = x.fma(k1, a41);
                x = FloatVector.broadcast(S, qb[5 * hs + d]);
                a50 = x.fma(k0, a50); a51 = x.fma(k1, a51);
                x = FloatVector.broadcast(S, qb[6 * hs + d]);
                a60 = x.fma(k0, a60); a61 = x.fma(k1, a61);
                x = FloatVector.broadcast(S, qb[7 * hs + d]);
                a70 = x.fma(k0, a70); a71 = x.fma(k1, a71);
            }
            a00.mul(scale).intoArray(s, j); a01.mul(scale).intoArray(s, j + L);
            a10.mul(scale).intoArray(s, keysPad + j); a11.mul(scale).intoArray(s, keysPad + j + L);
            a20.mul(scale).intoArray(s, 2 * keysPad + j); a21.mul(scale).intoArray(s, 2 * keysPad + j + L);
            a30.mul(scale).intoArray(s, 3 * keysPad + j); a31.mul(scale).intoArray(s, 3 * keysPad + j + L);
            a40.mul(scale).intoArray(s, 4 * keysPad + j); a41.mul(scale).intoArray(s, 4 * keysPad + j + L);
            a50.mul(scale).intoArray(s, 5 * keysPad + j); a51.mul(scale).intoArray(s, 5 * keysPad + j + L);
            a60.mul(scale).intoArray(s, 6 * keysPad + j); a61.mul(scale).intoArray(s, 6 * keysPad + j + L);
            a70.mul(scale).intoArray(s, 7 * keysPad + j); a71.mul(scale).intoArray(s, 7 * keysPad + j + L);
        }
    }

    /**
     * The block's 8 rows of P times head columns {@code c .. c+W-1} of V over keys {@code 0..vmax-1}, into
     * {@code o} (row stride W): through the thread's buffer, since a vector passed to a method C2 does not
     * inline would be boxed.
     */
    private static void weightedValues(float[] s, float[] vh, int keysPad, int hsPad, int c, int vmax, float[] o) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        for (int j = 0; j < vmax; j++) {
            int v = j * hsPad + c;
            FloatVector w0 = FloatVector.fromArray(S, vh, v), w1 = FloatVector.fromArray(S, vh, v + L);
            FloatVector p = FloatVector.broadcast(S, s[j]);
            a00 = p.fma(w0, a00); a01 = p.fma(w1, a01);
            p = FloatVector.broadcast(S, s[keysPad + j]);
            a10 = p.fma(w0, a10); a11 = p.fma(w1, a11);
            p = FloatVector.broadcast(S, s[2 * keysPad + j]);
            a20 = p.fma(w0, a20); a21 = p.fma(w1, a21);
            p = FloatVector.broadcast(S, s[3 * keysPad + j]);
            a30 = p.fma(w0, a30); a31 = p.fma(w1, a31);
            p = FloatVector.broadcast(S, s[4 * keysPad + j]);
            a40 = p.fma(w0, a40); a41 = p.fma(w1, a41);
            p = FloatVector.broadcast(S, s[5 * keysPad + j]);
            a50 = p.fma(w0, a50); a51 = p.fma(w1, a51);
            p = FloatVector.broadcast(S, s[6 * keysPad + j]);
            a60 = p.fma(w0, a60); a61 = p.fma(w1, a61);
            p = FloatVector.broadcast(S, s[7 * keysPad + j]);
            a70 = p.fma(w0, a70); a71 = p.fma(w1, a71);
        }
        a00.intoArray(o, 0); a01.intoArray(o, L);
        a10.intoArray(o, W); a11.intoArray(o, W + L);
        a20.intoArray(o, 2 * W); a21.intoArray(o, 2 * W + L);
        a30.intoArray(o, 3 * W); a31.intoArray(o, 3 * W + L);
        a40.intoArray(o, 4 * W); a41.intoArray(o, 4 * W + L);
        a50.intoArray(o, 5 * W); a51.intoArray(o, 5 * W + L);
        a60.intoArray(o, 6 * W); a61.intoArray(o, 6 * W + L);
        a70.intoArray(o, 7 * W); a71.intoArray(o, 7 * W + L);
    }

    /**
     * exp(x − max) over {@code [0, visible)}, zeros on {@code [visible, vmax)}; returns 1/sum (0 if nothing is
     * visible). The lanes of the sum are added in lane order through {@code lanes}: handed to LaneSum, the vector was
     * boxed whenever C2 did not inline it here.
     */
    private static float softmaxPrefix(float[] s, int base, int visible, int vmax, float[] lanes) {
        if (visible == 0) {
            Arrays.fill(s, base, base + vmax, 0f);
            return 0f;
        }
        int body = S.loopBound(visible);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < body; j += L) mx = mx.max(FloatVector.fromArray(S, s, base + j));
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (int j = body; j < visible; j++) max = Math.max(max, s[base + j]);
        FloatVector mv = FloatVector.broadcast(S, max), sum = FloatVector.zero(S);
        // One loop, masked, so that VectorExp is inlined once: with a second copy for the tail, C2 ran out of
        // inlining budget whenever rows of both kinds had been seen, and boxed the vectors of every row
        // (hundreds of kilobytes a call over sentences of mixed lengths). Full vectors get an all-true mask.
        for (int j = 0; j < visible; j += L) {
            VectorMask<Float> m = S.indexInRange(j, visible);
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, s, base + j, m).sub(mv));
            sum = sum.add(e, m);
            e.intoArray(s, base + j, m);
        }
        sum.intoArray(lanes, 0);
        float total = 0;
        for (float lane : lanes) total += lane;
        Arrays.fill(s, base + visible, base + vmax, 0f);
        return 1f / total;
    }

    /** Row {@code i}, head columns {@code c .. c+W-1} (clipped to hs): the buffered sums times 1/Σ. */
    private static void storeRow(float[] o, int from, MemorySegment out, long oOff, int ldo, int i, long col, int c,
                                 int hs, float inv) {
        long base = (oOff + (long) i * ldo + col + c) * Float.BYTES;
        int width = Math.min(W, hs - c);
        for (int j = 0; j < width; j += L) {
            FloatVector x = FloatVector.fromArray(S, o, from + j).mul(inv);
            if (j + L <= width) x.intoMemorySegment(out, base + (long) j * Float.BYTES, NATIVE);
            else x.intoMemorySegment(out, base + (long) j * Float.BYTES, NATIVE, S.indexInRange(j, width));
        }
    }
}
