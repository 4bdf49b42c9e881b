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
 * their scores against 4 vectors of keys at a time (16 accumulators over the head dimension),
 * take a softmax over their visible prefix, and multiply by V with the head dimension across
 * the lanes. The (head, query block) grid is split over the team in contiguous runs, so each
 * thread transposes a head at most once.
 */
final class VectorAttention {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int QB = 4;
    private static final int NV = 4;
    private static final int W = NV * L;
    private static final long PARALLEL_MIN_MACS = 1L << 16;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Thread-owned arrays, grown to the largest sequence seen (so nothing is allocated once warm). */
    static final class Buffers {
        float[] kt = new float[0], vh = new float[0], scores = new float[0], qb = new float[0];
        final float[] out = new float[QB * W];
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
        int v0 = Masking.visibleKeys(i0, tq, tk, causal, validKeys);
        int v1 = rows > 1 ? Masking.visibleKeys(i0 + 1, tq, tk, causal, validKeys) : 0;
        int v2 = rows > 2 ? Masking.visibleKeys(i0 + 2, tq, tk, causal, validKeys) : 0;
        int v3 = rows > 3 ? Masking.visibleKeys(i0 + 3, tq, tk, causal, validKeys) : 0;
        int vmax = Math.max(Math.max(v0, v1), Math.max(v2, v3));
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
        // Scores: 4 queries × 4 vectors of keys per pass, the head dimension as the reduction.
        int jEnd = roundUp(vmax, W);
        for (int j = 0; j < jEnd; j += W) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                    a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int d = 0; d < hs; d++) {
                int o = d * keysPad + j;
                FloatVector k0 = FloatVector.fromArray(S, kt, o), k1 = FloatVector.fromArray(S, kt, o + L),
                        k2 = FloatVector.fromArray(S, kt, o + 2 * L), k3 = FloatVector.fromArray(S, kt, o + 3 * L);
                FloatVector x = FloatVector.broadcast(S, qb[d]);
                a00 = x.fma(k0, a00); a01 = x.fma(k1, a01); a02 = x.fma(k2, a02); a03 = x.fma(k3, a03);
                x = FloatVector.broadcast(S, qb[hs + d]);
                a10 = x.fma(k0, a10); a11 = x.fma(k1, a11); a12 = x.fma(k2, a12); a13 = x.fma(k3, a13);
                x = FloatVector.broadcast(S, qb[2 * hs + d]);
                a20 = x.fma(k0, a20); a21 = x.fma(k1, a21); a22 = x.fma(k2, a22); a23 = x.fma(k3, a23);
                x = FloatVector.broadcast(S, qb[3 * hs + d]);
                a30 = x.fma(k0, a30); a31 = x.fma(k1, a31); a32 = x.fma(k2, a32); a33 = x.fma(k3, a33);
            }
            a00.mul(scale).intoArray(s, j); a01.mul(scale).intoArray(s, j + L);
            a02.mul(scale).intoArray(s, j + 2 * L); a03.mul(scale).intoArray(s, j + 3 * L);
            int r1 = keysPad, r2 = 2 * keysPad, r3 = 3 * keysPad;
            a10.mul(scale).intoArray(s, r1 + j); a11.mul(scale).intoArray(s, r1 + j + L);
            a12.mul(scale).intoArray(s, r1 + j + 2 * L); a13.mul(scale).intoArray(s, r1 + j + 3 * L);
            a20.mul(scale).intoArray(s, r2 + j); a21.mul(scale).intoArray(s, r2 + j + L);
            a22.mul(scale).intoArray(s, r2 + j + 2 * L); a23.mul(scale).intoArray(s, r2 + j + 3 * L);
            a30.mul(scale).intoArray(s, r3 + j); a31.mul(scale).intoArray(s, r3 + j + L);
            a32.mul(scale).intoArray(s, r3 + j + 2 * L); a33.mul(scale).intoArray(s, r3 + j + 3 * L);
        }
        // Softmax over each row's visible prefix; the rest of the row up to vmax becomes 0.
        float[] lanes = b.lanes;
        float inv0 = softmaxPrefix(s, 0, v0, vmax, lanes), inv1 = softmaxPrefix(s, keysPad, v1, vmax, lanes),
                inv2 = softmaxPrefix(s, 2 * keysPad, v2, vmax, lanes), inv3 = softmaxPrefix(s, 3 * keysPad, v3, vmax, lanes);
        // P·V: 4 queries × 4 vectors of the head dimension per pass, the keys as the reduction.
        for (int c = 0; c < hs; c += W) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                    a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int j = 0; j < vmax; j++) {
                int o = j * hsPad + c;
                FloatVector w0 = FloatVector.fromArray(S, vh, o), w1 = FloatVector.fromArray(S, vh, o + L),
                        w2 = FloatVector.fromArray(S, vh, o + 2 * L), w3 = FloatVector.fromArray(S, vh, o + 3 * L);
                FloatVector p = FloatVector.broadcast(S, s[j]);
                a00 = p.fma(w0, a00); a01 = p.fma(w1, a01); a02 = p.fma(w2, a02); a03 = p.fma(w3, a03);
                p = FloatVector.broadcast(S, s[keysPad + j]);
                a10 = p.fma(w0, a10); a11 = p.fma(w1, a11); a12 = p.fma(w2, a12); a13 = p.fma(w3, a13);
                p = FloatVector.broadcast(S, s[2 * keysPad + j]);
                a20 = p.fma(w0, a20); a21 = p.fma(w1, a21); a22 = p.fma(w2, a22); a23 = p.fma(w3, a23);
                p = FloatVector.broadcast(S, s[3 * keysPad + j]);
                a30 = p.fma(w0, a30); a31 = p.fma(w1, a31); a32 = p.fma(w2, a32); a33 = p.fma(w3, a33);
            }
            // Through the thread's buffer: a vector passed to a method C2 does not inline would be boxed.
            float[] o = b.out;
            a00.intoArray(o, 0); a01.intoArray(o, L); a02.intoArray(o, 2 * L); a03.intoArray(o, 3 * L);
            a10.intoArray(o, W); a11.intoArray(o, W + L); a12.intoArray(o, W + 2 * L); a13.intoArray(o, W + 3 * L);
            a20.intoArray(o, 2 * W); a21.intoArray(o, 2 * W + L); a22.intoArray(o, 2 * W + 2 * L);
            a23.intoArray(o, 2 * W + 3 * L);
            a30.intoArray(o, 3 * W); a31.intoArray(o, 3 * W + L); a32.intoArray(o, 3 * W + 2 * L);
            a33.intoArray(o, 3 * W + 3 * L);
            storeRow(o, 0, out, oOff, ldo, i0, col, c, hs, inv0);
            if (rows > 1) storeRow(o, W, out, oOff, ldo, i0 + 1, col, c, hs, inv1);
            if (rows > 2) storeRow(o, 2 * W, out, oOff, ldo, i0 + 2, col, c, hs, inv2);
            if (rows > 3) storeRow(o, 3 * W, out, oOff, ldo, i0 + 3, col, c, hs, inv3);
        }
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
