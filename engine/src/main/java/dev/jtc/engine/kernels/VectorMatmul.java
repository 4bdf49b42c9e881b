package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Matrix multiply in the BLIS style: B (weights) packed once into panels of 4 vectors, A read in place
 * {@link #MR} rows at a time, a 6×4-vector register tile, K blocked at {@link #KC} and M at {@link #MC}
 * so the A block stays in L2 while each B panel block streams through it.
 * Threads split the column panels (or, with fewer panels than threads, the row slivers); every
 * output element is the bias plus, K block by K block, an fma chain in k order from zero, whatever
 * the split: results do not depend on the thread count, and the one-row path (GEMV) gives the same
 * bits as the tiled path.
 */
final class VectorMatmul {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 4 * L;
    /**
     * K block: a 6-row A sliver (9 KB) stays in L1 while the 384×64 B block (96 KB) stays in L2 for all of the
     * slivers. On 2 threads with the weights cold, as in a forward pass, 384 ran 4–6% faster than 256 (C is read and
     * written half as often; the matmul alone over 20 distinct weights, bench/run-breakdown); 768 ran a little faster
     * still, but its 768-term fma chains moved BERT-base's last-layer states just past 1e-4 of TensorFlow's.
     */
    static final int KC = blocking("jtc.matmul.kc", 384, 1);
    /** M block: the A block (MC×KC floats, 288 KB) stays in L2 across all of a thread's panels. */
    static final int MC = blocking("jtc.matmul.mc", 32 * MR, MR);
    /** Below this many multiply-adds, waking the team costs more than it saves. */
    private static final long PARALLEL_MIN_MACS = 1L << 17;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Per-thread scratch, allocated once per thread (the GEMV's row buffer grows with k). */
    static final class Buffers {
        // Off-heap like the engine's activations, so the tile's loads and stores see one segment kind.
        final MemorySegment tile = Arena.ofAuto().allocate((long) MR * NR * Float.BYTES, 64);
        /** The product this thread computes alone, when it does not use the team. */
        final Product alone = new Product();
        float[] row = new float[1024];

        float[] row(int k) {
            if (row.length < k) row = new float[k];
            return row;
        }
    }

    /** A blocking size from a system property (for tuning on other CPUs), rounded to a multiple of {@code unit}. */
    private static int blocking(String property, int fallback, int unit) {
        String s = System.getProperty(property);
        if (s == null || s.isBlank()) return fallback;
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= unit && v <= 1 << 16) return v / unit * unit;
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("-D" + property + " must be a whole number from " + unit + " to 65536, got \""
                + s + "\".");
    }

    private static final ThreadLocal<Buffers> CALLER = ThreadLocal.withInitial(Buffers::new);

    /**
     * The arguments of one product {@code C = act(A·W + bias)}, reused from call to call (nothing is allocated per
     * call): the team's instance is only touched while holding the pool, and each thread has one for the products
     * it computes alone.
     */
    private static final class Product {
        MemorySegment a, bias, c;
        long aOff, cOff;
        int lda, ldc, m;
        VectorPacked w;
        /** GELU's form for the epilogue, or null for none. */
        Activation act;

        void set(MemorySegment a, long aOff, int lda, int m, VectorPacked w, MemorySegment bias,
                 MemorySegment c, long cOff, int ldc, Activation act) {
            this.a = a; this.aOff = aOff; this.lda = lda; this.m = m; this.w = w; this.bias = bias;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.act = act;
        }

        /** Drops the references, so a finished product keeps no caller's memory reachable. */
        void clear() {
            a = null; c = null; bias = null; w = null; act = null;
        }

        /**
         * Share {@code member} of {@code members}: a run of column panels (or, with fewer panels than members, of row
         * slivers), then the epilogue over exactly that part of C, while it is still in this thread's cache.
         */
        void share(int member, int members, Buffers buf) {
            int panels = w.panelCount;
            if (m == 1 || panels >= members) {
                int p0 = (int) ((long) panels * member / members), p1 = (int) ((long) panels * (member + 1) / members);
                if (p0 >= p1) return;
                if (m == 1) gemv(p0, p1, buf);
                else blocked(0, m, p0, p1, buf);
                activate(0, m, p0 * NR, Math.min(w.n, p1 * NR));
            } else {
                int slivers = (m + MR - 1) / MR;
                int s0 = (int) ((long) slivers * member / members), s1 = (int) ((long) slivers * (member + 1) / members);
                if (s0 >= s1) return;
                int r1 = Math.min(m, s1 * MR);
                blocked(s0 * MR, r1, 0, panels, buf);
                activate(s0 * MR, r1, 0, w.n);
            }
        }

        private void activate(int r0, int r1, int col0, int col1) {
            if (act == null) return;
            for (int r = r0; r < r1; r++) VectorGelu.apply(c, (cOff + (long) r * ldc + col0) * Float.BYTES, col1 - col0, act);
        }

        /** Rows {@code r0..r1-1} and column panels {@code p0..p1-1} of C. */
        private void blocked(int r0, int r1, int p0, int p1, Buffers buf) {
            int k = w.k, n = w.n;
            MemorySegment bp = w.panels;
            for (int ic = r0; ic < r1; ic += MC) {
                int mc = Math.min(MC, r1 - ic);
                int slivers = (mc + MR - 1) / MR;
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    if (pc == 0) initRows(c, cOff, ldc, ic, ic + mc, p0 * NR, Math.min(n, p1 * NR), bias);
                    for (int p = p0; p < p1; p++) {
                        int col0 = p * NR, cols = Math.min(NR, n - col0);
                        long bBase = ((long) p * k + pc) * NR * Float.BYTES;
                        for (int s = 0; s < slivers; s++) {
                            int row0 = ic + s * MR, rows = Math.min(MR, r1 - row0);
                            tile(a, aOff + (long) row0 * lda + pc, lda, rows, bp, bBase, kc, buf.tile);
                            addTile(buf.tile, c, cOff + (long) row0 * ldc + col0, ldc, rows, cols);
                        }
                    }
                }
            }
        }

        /**
         * One row (a decode step): stream the panels once, two at a time for eight independent fma chains,
         * summing each K block from zero and adding it to the total, exactly as the tiled path does. The pair of
         * panels and the single masked panel are methods of their own: in one method C1 runs out of registers
         * compiling them, the profiling tier never completes, and C2 never takes over (the vectors then live on
         * the heap, hundreds of kilobytes a call).
         */
        private void gemv(int p0, int p1, Buffers buf) {
            int k = w.k, n = w.n;
            float[] x = buf.row(k);
            MemorySegment.copy(a, F, aOff * Float.BYTES, x, 0, k);
            int p = p0;
            for (; p + 1 < p1 && (p + 2) * NR <= n; p += 2) twoPanels(x, k, w.panels, p, bias, c, cOff);
            for (; p < p1; p++) onePanel(x, k, w.panels, p, n, bias, c, cOff);
        }
    }

    /** The team's product; only touched while holding the pool. */
    private final class TeamProduct implements WorkerPool.Job {
        final Product product = new Product();

        @Override
        public void run(int member, int members, int executor) {
            product.share(member, members, executor == 0 ? CALLER.get() : workerBuffers[executor]);
        }
    }

    private final WorkerPool pool;
    private final Buffers[] workerBuffers;
    private final TeamProduct team = new TeamProduct();

    VectorMatmul(WorkerPool pool) {
        this.pool = pool;
        this.workerBuffers = new Buffers[pool.size()];
        for (int i = 1; i < pool.size(); i++) workerBuffers[i] = new Buffers();
    }

    /** {@code c = act(a·W + bias)}; {@code act} null for the plain product. */
    void matmul(MemorySegment a, long aOff, int lda, int m, VectorPacked w, MemorySegment bias,
                MemorySegment c, long cOff, int ldc, Activation act) {
        KernelChecks.matmul(a, aOff, lda, m, w.k, w.n, bias, c, cOff, ldc);
        if (m == 0) return;
        if (pool.size() > 1 && (long) m * w.k * w.n >= PARALLEL_MIN_MACS
                && pool.reaches(a) && pool.reaches(c) && pool.reaches(bias) && pool.tryAcquire()) {
            Product p = team.product;
            try {
                p.set(a, aOff, lda, m, w, bias, c, cOff, ldc, act);
                pool.run(team);
            } finally {
                p.clear();
                pool.release();
            }
            return;
        }
        Buffers buf = CALLER.get();
        Product p = buf.alone;
        try {
            p.set(a, aOff, lda, m, w, bias, c, cOff, ldc, act);
            p.share(0, 1, buf);
        } finally {
            p.clear();
        }
    }

    /** C rows {@code r0..r1-1}, columns {@code col0..col1-1} start as the bias (or zero) before the first K block. */
    private static void initRows(MemorySegment c, long cOff, int ldc, int r0, int r1, int col0, int col1,
                                 MemorySegment bias) {
        long bytes = (long) (col1 - col0) * Float.BYTES;
        for (int r = r0; r < r1; r++) {
            long dst = (cOff + (long) r * ldc + col0) * Float.BYTES;
            if (bias == null) c.asSlice(dst, bytes).fill((byte) 0);
            else MemorySegment.copy(bias, (long) col0 * Float.BYTES, c, dst, bytes);
        }
    }

    /** Columns of panels p and p + 1, both full: eight accumulators of one vector each. */
    private static void twoPanels(float[] x, int k, MemorySegment bp, int p, MemorySegment bias, MemorySegment c, long cOff) {
        long rowBytes = (long) NR * Float.BYTES;
        int col0 = p * NR;
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (bias != null) {
            long bb = (long) col0 * Float.BYTES;
            c0 = FloatVector.fromMemorySegment(S, bias, bb, NATIVE);
            c1 = FloatVector.fromMemorySegment(S, bias, bb + 4L * L, NATIVE);
            c2 = FloatVector.fromMemorySegment(S, bias, bb + 8L * L, NATIVE);
            c3 = FloatVector.fromMemorySegment(S, bias, bb + 12L * L, NATIVE);
            c4 = FloatVector.fromMemorySegment(S, bias, bb + 16L * L, NATIVE);
            c5 = FloatVector.fromMemorySegment(S, bias, bb + 20L * L, NATIVE);
            c6 = FloatVector.fromMemorySegment(S, bias, bb + 24L * L, NATIVE);
            c7 = FloatVector.fromMemorySegment(S, bias, bb + 28L * L, NATIVE);
        } else {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = FloatVector.zero(S);
        }
        long b0 = (long) p * k * rowBytes, b1 = (long) (p + 1) * k * rowBytes;
        for (int pc = 0; pc < k; pc += KC) {
            int end = Math.min(k, pc + KC);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int kk = pc; kk < end; kk++) {
                FloatVector av = FloatVector.broadcast(S, x[kk]);
                long o0 = b0 + kk * rowBytes, o1 = b1 + kk * rowBytes;
                s0 = av.fma(FloatVector.fromMemorySegment(S, bp, o0, NATIVE), s0);
                s1 = av.fma(FloatVector.fromMemorySegment(S, bp, o0 + 4L * L, NATIVE), s1);
                s2 = av.fma(FloatVector.fromMemorySegment(S, bp, o0 + 8L * L, NATIVE), s2);
                s3 = av.fma(FloatVector.fromMemorySegment(S, bp, o0 + 12L * L, NATIVE), s3);
                s4 = av.fma(FloatVector.fromMemorySegment(S, bp, o1, NATIVE), s4);
                s5 = av.fma(FloatVector.fromMemorySegment(S, bp, o1 + 4L * L, NATIVE), s5);
                s6 = av.fma(FloatVector.fromMemorySegment(S, bp, o1 + 8L * L, NATIVE), s6);
                s7 = av.fma(FloatVector.fromMemorySegment(S, bp, o1 + 12L * L, NATIVE), s7);
            }
            c0 = c0.add(s0); c1 = c1.add(s1); c2 = c2.add(s2); c3 = c3.add(s3);
            c4 = c4.add(s4); c5 = c5.add(s5); c6 = c6.add(s6); c7 = c7.add(s7);
        }
        long cb = (cOff + col0) * Float.BYTES;
        c0.intoMemorySegment(c, cb, NATIVE);
        c1.intoMemorySegment(c, cb + 4L * L, NATIVE);
        c2.intoMemorySegment(c, cb + 8L * L, NATIVE);
        c3.intoMemorySegment(c, cb + 12L * L, NATIVE);
        c4.intoMemorySegment(c, cb + 16L * L, NATIVE);
        c5.intoMemorySegment(c, cb + 20L * L, NATIVE);
        c6.intoMemorySegment(c, cb + 24L * L, NATIVE);
        c7.intoMemorySegment(c, cb + 28L * L, NATIVE);
    }

    /**
     * Columns of panel p alone, masked where it runs past column n, one vector of columns at a time: the same sums
     * in the same order as the pair above, in a method small enough for every JIT tier (this is the last panel).
     */
    private static void onePanel(float[] x, int k, MemorySegment bp, int p, int n, MemorySegment bias, MemorySegment c, long cOff) {
        long rowBytes = (long) NR * Float.BYTES;
        long panel = (long) p * k * rowBytes;
        for (int v = 0; v < NR / L; v++) {
            int col = p * NR + v * L;
            VectorMask<Float> m = S.indexInRange(col, n);
            FloatVector total = bias != null ? FloatVector.fromMemorySegment(S, bias, (long) col * Float.BYTES, NATIVE, m)
                    : FloatVector.zero(S);
            long column = panel + (long) v * L * Float.BYTES;
            for (int pc = 0; pc < k; pc += KC) {
                int end = Math.min(k, pc + KC);
                FloatVector sum = FloatVector.zero(S);
                for (int kk = pc; kk < end; kk++) {
                    sum = FloatVector.broadcast(S, x[kk]).fma(FloatVector.fromMemorySegment(S, bp, column + kk * rowBytes, NATIVE), sum);
                }
                total = total.add(sum);
            }
            total.intoMemorySegment(c, (cOff + col) * Float.BYTES, NATIVE, m);
        }
    }

    /**
     * Column j of the one-row product: the bias, then each K block's fma chain from zero added to it, exactly the
     * lane of {@link #gemv} (and of the tiled path) that holds column j, since a vector fma rounds each lane as the
     * scalar {@link Math#fma} does.
     */
    static float column(MemorySegment a, long aOff, VectorPacked w, MemorySegment bias, int j) {
        int k = w.k;
        long first = (long) (j / NR) * k * NR + j % NR;
        float total = bias == null ? 0f : bias.getAtIndex(F, j);
        for (int pc = 0; pc < k; pc += KC) {
            int end = Math.min(k, pc + KC);
            float sum = 0f;
            for (int kk = pc; kk < end; kk++) sum = Math.fma(a.getAtIndex(F, aOff + kk), w.panels.getAtIndex(F, first + (long) kk * NR), sum);
            total += sum;
        }
        return total;
    }

    /**
     * The register tile: the 6 × 4-vector product of 6 rows of A (from element {@code aBase}, row stride
     * {@code lda}) and a B panel over one K block of {@code kc} steps, 24 accumulators from zero, written to the
     * thread's tile buffer {@code t} (row stride 4 vectors); {@link #addTile} then adds it to C. A is read in place,
     * each element broadcast from memory: packing it first cost a scalar transpose per call, repeated by every
     * thread of a column split. A sliver of fewer than 6 rows ({@code rows}) repeats its last row, whose extra
     * sums addTile never stores. Small and branch-free on purpose, with no vector crossing a call: a version that
     * also loaded and stored C here overflowed C1's virtual registers, and when C2 was busy HotSpot could leave it
     * at tier 2 for good, boxing every vector (100× slower); passing the accumulators to a helper boxed them
     * whenever C2 declined to inline it.
     */
    static void tile(MemorySegment a, long aBase, int lda, int rows, MemorySegment bp, long bBase, int kc, MemorySegment t) {
        long o0 = aBase, o1 = aBase + (long) Math.min(1, rows - 1) * lda, o2 = aBase + (long) Math.min(2, rows - 1) * lda,
                o3 = aBase + (long) Math.min(3, rows - 1) * lda, o4 = aBase + (long) Math.min(4, rows - 1) * lda,
                o5 = aBase + (long) Math.min(5, rows - 1) * lda;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++) {
            long bo = bBase + (long) p * NR * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + 4L * L, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, bp, bo + 8L * L, NATIVE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, bp, bo + 12L * L, NATIVE);
            FloatVector a0 = FloatVector.broadcast(S, a.getAtIndex(F, o0 + p));
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a.getAtIndex(F, o1 + p));
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a.getAtIndex(F, o2 + p));
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a.getAtIndex(F, o3 + p));
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a.getAtIndex(F, o4 + p));
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, a.getAtIndex(F, o5 + p));
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        c00.intoMemorySegment(t, 0L * L, NATIVE); c01.intoMemorySegment(t, 4L * L, NATIVE); c02.intoMemorySegment(t, 8L * L, NATIVE); c03.intoMemorySegment(t, 12L * L, NATIVE);
        c10.intoMemorySegment(t, 16L * L, NATIVE); c11.intoMemorySegment(t, 20L * L, NATIVE); c12.intoMemorySegment(t, 24L * L, NATIVE); c13.intoMemorySegment(t, 28L * L, NATIVE);
        c20.intoMemorySegment(t, 32L * L, NATIVE); c21.intoMemorySegment(t, 36L * L, NATIVE); c22.intoMemorySegment(t, 40L * L, NATIVE); c23.intoMemorySegment(t, 44L * L, NATIVE);
        c30.intoMemorySegment(t, 48L * L, NATIVE); c31.intoMemorySegment(t, 52L * L, NATIVE); c32.intoMemorySegment(t, 56L * L, NATIVE); c33.intoMemorySegment(t, 60L * L, NATIVE);
        c40.intoMemorySegment(t, 64L * L, NATIVE); c41.intoMemorySegment(t, 68L * L, NATIVE); c42.intoMemorySegment(t, 72L * L, NATIVE); c43.intoMemorySegment(t, 76L * L, NATIVE);
        c50.intoMemorySegment(t, 80L * L, NATIVE); c51.intoMemorySegment(t, 84L * L, NATIVE); c52.intoMemorySegment(t, 88L * L, NATIVE); c53.intoMemorySegment(t, 92L * L, NATIVE);
    }

    /** {@code C[rows × cols] += t}: the tile buffer added to C (masked on the last panel's columns). */
    private static void addTile(MemorySegment t, MemorySegment c, long cElem, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            long dst = (cElem + (long) r * ldc) * Float.BYTES, src = (long) r * NR * Float.BYTES;
            for (int j = 0; j < NR; j += L) {
                long o = (long) j * Float.BYTES;
                if (j + L <= cols) {
                    FloatVector.fromMemorySegment(S, c, dst + o, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, t, src + o, NATIVE))
                            .intoMemorySegment(c, dst + o, NATIVE);
                } else if (j < cols) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector.fromMemorySegment(S, c, dst + o, NATIVE, m)
                            .add(FloatVector.fromMemorySegment(S, t, src + o, NATIVE))
                            .intoMemorySegment(c, dst + o, NATIVE, m);
                }
            }
        }
    }
}
