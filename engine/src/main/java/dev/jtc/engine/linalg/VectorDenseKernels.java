package dev.jtc.engine.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product in the BLIS style, in double: B packed per K block into panels of {@link #NR} columns,
 * A packed into slivers of {@link #MR} rows, a 6 × 4-vector register tile (24 accumulators, 4 B loads
 * and one broadcast: 29 of AVX-512's 32 registers). Threads split the column panels of C; K is cut
 * at the contract's fixed {@link DenseKernels#K_BLOCK} whatever the split, so every element is the
 * same fma chain on one thread or many.
 */
final class VectorDenseKernels implements DenseKernels {

    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 4 * L;
    /** M block: a packed A block of MC × K_BLOCK doubles (192 KB with 512-bit vectors) stays in L2. */
    static final int MC = 16 * MR;
    /** Column panels per packed B block: 8 panels × K_BLOCK doubles (512 KB) share L2 with the A block. */
    static final int NC_PANELS = 8;
    private static final int KC = K_BLOCK;
    /** Below this many multiply-adds, handing shares to other threads costs more than it saves. */
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    private static volatile VectorDenseKernels shared;

    /** Per-thread packing space, allocated once per thread. */
    private static final class Packing {
        final double[] a = new double[MC * KC];
        final double[] b = new double[NC_PANELS * NR * KC];
        final double[] tile = new double[MR * NR];
    }

    private static final ThreadLocal<Packing> PACKING = ThreadLocal.withInitial(Packing::new);

    private final ShareTeam team;

    VectorDenseKernels(int threads) {
        this.team = new ShareTeam(threads);
    }

    static VectorDenseKernels shared() {
        VectorDenseKernels k = shared;
        if (k == null) {
            synchronized (VectorDenseKernels.class) {
                if (shared == null) shared = new VectorDenseKernels(configuredThreads());
                k = shared;
            }
        }
        return k;
    }

    /** {@code -Djtc.threads} (the engine's setting), else the available processors. */
    static int configuredThreads() {
        String s = System.getProperty("jtc.threads");
        if (s == null || s.isBlank()) return Math.max(1, Runtime.getRuntime().availableProcessors());
        try {
            int t = Integer.parseInt(s.trim());
            if (t >= 1) return t;
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("-Djtc.threads must be a positive whole number of threads, got \"" + s + "\".");
    }

    @Override
    public int threads() {
        return team.size();
    }

    @Override
    public void multiply(int m, int n, int k, MatrixView a, MatrixView b, MatrixView c, Accumulate op) {
        ProductChecks.require(m, n, k, a, b, c);
        if (m == 0 || n == 0 || k == 0) return;
        int panels = (n + NR - 1) / NR;
        if (team.size() > 1 && panels > 1 && (long) m * n * k >= PARALLEL_MIN_MACS) {
            // Up to four shares per thread, so a thread slowed by other work on the machine takes fewer, but
            // at least two panels each: every share packs its own copy of A.
            int cut = Math.min(panels, Math.min(4 * team.size(), Math.max(team.size(), panels / 2)));
            team.run(cut, (share, shares) -> {
                int p0 = (int) ((long) panels * share / shares), p1 = (int) ((long) panels * (share + 1) / shares);
                if (p0 < p1) panels(m, n, k, a, b, c, op, p0, p1, PACKING.get());
            });
        } else {
            panels(m, n, k, a, b, c, op, 0, panels, PACKING.get());
        }
    }

    /** Column panels {@code p0..p1-1} of C. */
    private static void panels(int m, int n, int k, MatrixView a, MatrixView b, MatrixView c, Accumulate op,
                               int p0, int p1, Packing buf) {
        for (int g0 = p0; g0 < p1; g0 += NC_PANELS) {
            int g1 = Math.min(p1, g0 + NC_PANELS);
            int col0 = g0 * NR, col1 = Math.min(n, g1 * NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, pc, kc, col0, col1, buf.b);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, ic, mc, pc, kc, buf.a);
                    int slivers = (mc + MR - 1) / MR;
                    for (int p = g0; p < g1; p++) {
                        int pcol = p * NR, cols = Math.min(NR, n - pcol);
                        int bBase = (p - g0) * kc * NR;
                        for (int s = 0; s < slivers; s++) {
                            int row0 = ic + s * MR, rows = Math.min(MR, m - row0);
                            tile(buf.a, s * MR * kc, buf.b, bBase, kc, buf.tile);
                            addTile(buf.tile, c, row0, pcol, rows, cols, op);
                        }
                    }
                }
            }
        }
    }

    /** B[pc.., col0..col1) as panels: panel q holds, for each kk, its NR columns side by side; missing columns are zero. */
    private static void packB(MatrixView b, int pc, int kc, int col0, int col1, double[] bp) {
        double[] d = b.data();
        int panels = (col1 - col0 + NR - 1) / NR;
        for (int q = 0; q < panels; q++) {
            int base = q * kc * NR, c0 = col0 + q * NR, cols = Math.min(NR, col1 - c0);
            for (int kk = 0; kk < kc; kk++) {
                int src = b.index(pc + kk, c0), dst = base + kk * NR;
                int cs = b.colStride();
                if (cs == 1) {
                    System.arraycopy(d, src, bp, dst, cols);
                } else {
                    for (int j = 0; j < cols; j++) bp[dst + j] = d[src + j * cs];
                }
                for (int j = cols; j < NR; j++) bp[dst + j] = 0;
            }
        }
    }

    /** A[ic.., pc..] as slivers: sliver s holds, for each kk, its MR rows side by side; missing rows are zero. */
    private static void packA(MatrixView a, int ic, int mc, int pc, int kc, double[] ap) {
        double[] d = a.data();
        int slivers = (mc + MR - 1) / MR, cs = a.colStride();
        for (int s = 0; s < slivers; s++) {
            int base = s * MR * kc;
            for (int r = 0; r < MR; r++) {
                int row = s * MR + r;
                if (row < mc) {
                    int src = a.index(ic + row, pc);
                    for (int kk = 0; kk < kc; kk++) ap[base + kk * MR + r] = d[src + kk * cs];
                } else {
                    for (int kk = 0; kk < kc; kk++) ap[base + kk * MR + r] = 0;
                }
            }
        }
    }

    /**
     * The register tile: the 6 × 4-vector product of an A sliver and a B panel over one K block,
     * 24 accumulators from zero, written to {@code t}; {@link #addTile} then adds it to C. Kept small
     * and without vectors crossing a call, as the engine's float matmul tile is, so C2 keeps every
     * accumulator in a register and no tier boxes them.
     */
    private static void tile(double[] ap, int aBase, double[] bp, int bBase, int kc, double[] t) {
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c02 = z, c03 = z;
        DoubleVector c10 = z, c11 = z, c12 = z, c13 = z;
        DoubleVector c20 = z, c21 = z, c22 = z, c23 = z;
        DoubleVector c30 = z, c31 = z, c32 = z, c33 = z;
        DoubleVector c40 = z, c41 = z, c42 = z, c43 = z;
        DoubleVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++) {
            int bo = bBase + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, bo + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, bp, bo + 3 * L);
            int ao = aBase + p * MR;
            DoubleVector a0 = DoubleVector.broadcast(S, ap[ao]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[ao + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[ao + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[ao + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[ao + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            DoubleVector a5 = DoubleVector.broadcast(S, ap[ao + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, NR); c11.intoArray(t, NR + L); c12.intoArray(t, NR + 2 * L); c13.intoArray(t, NR + 3 * L);
        c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L); c22.intoArray(t, 2 * NR + 2 * L); c23.intoArray(t, 2 * NR + 3 * L);
        c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L); c32.intoArray(t, 3 * NR + 2 * L); c33.intoArray(t, 3 * NR + 3 * L);
        c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L); c42.intoArray(t, 4 * NR + 2 * L); c43.intoArray(t, 4 * NR + 3 * L);
        c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L); c52.intoArray(t, 5 * NR + 2 * L); c53.intoArray(t, 5 * NR + 3 * L);
    }

    /** {@code C[row0.., col0..] ±= t} over {@code rows × cols} (masked on a last panel's columns). */
    private static void addTile(double[] t, MatrixView c, int row0, int col0, int rows, int cols, Accumulate op) {
        double[] d = c.data();
        for (int r = 0; r < rows; r++) {
            int dst = c.index(row0 + r, col0), src = r * NR;
            for (int j = 0; j < NR && j < cols; j += L) {
                if (j + L <= cols) {
                    DoubleVector cv = DoubleVector.fromArray(S, d, dst + j);
                    DoubleVector tv = DoubleVector.fromArray(S, t, src + j);
                    (op == Accumulate.ADD ? cv.add(tv) : cv.sub(tv)).intoArray(d, dst + j);
                } else {
                    VectorMask<Double> m = S.indexInRange(j, cols);
                    DoubleVector cv = DoubleVector.fromArray(S, d, dst + j, m);
                    DoubleVector tv = DoubleVector.fromArray(S, t, src + j);
                    (op == Accumulate.ADD ? cv.add(tv) : cv.sub(tv)).intoArray(d, dst + j, m);
                }
            }
        }
    }
}
