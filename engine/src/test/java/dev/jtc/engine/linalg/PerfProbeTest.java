package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;
import java.util.Random;

class PerfProbeTest {
    @Test
    void probe() {
        int p = 768, m = Integer.getInteger("probe.m", 3072), b = 768;
        int threads = Integer.getInteger("probe.threads", 2);
        Random rnd = new Random(1);
        DenseKernels k = DenseKernels.vector(threads);
        double[] a = new double[p * b], bb = new double[b * m], c = new double[p * m];
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian();
        for (int i = 0; i < bb.length; i++) bb[i] = rnd.nextGaussian();
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            k.multiply(p, m, b, new MatrixView(a, 0, b, 1), MatrixView.rowMajor(bb, 0, m), MatrixView.rowMajor(c, 0, m), Accumulate.ADD);
            long t1 = System.nanoTime();
            System.out.printf("gemm %dx%dx%d: %.1f GF/s%n", p, m, b, 2.0 * p * m * b / (t1 - t0));
        }
        double[] r = new double[p * p];
        double[] y = new double[b * m];
        for (int rep = 0; rep < 8; rep++) {
            double[] x = new double[b * p];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
            for (int i = 0; i < y.length; i++) y[i] = rnd.nextGaussian();
            long t0 = System.nanoTime();
            StackedQr q = StackedQr.factor(r, p, x, b, b, k);
            long t1 = System.nanoTime();
            q.apply(c, m, y);
            long t2 = System.nanoTime();
            System.out.printf("factor %.3f s (%.1f GF/s of 2bp^2), apply %.3f s (%.1f GF/s of 3bpm)%n", (t1 - t0) / 1e9,
                    2.0 * b * p * p / (t1 - t0), (t2 - t1) / 1e9, 3.0 * b * p * m / (t2 - t1));
        }
        double[] cc = c.clone();
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            RankRevealingSolver.Solved s = RankRevealingSolver.solve(r.clone(), cc.clone(), p, m, 1e-6, k);
            long t1 = System.nanoTime();
            double[] rr = r.clone();
            long t2 = System.nanoTime();
            PivotedQr pq = PivotedQr.factor(rr, p);
            long t3 = System.nanoTime();
            double[] c2 = cc.clone();
            pq.applyTransposed(c2, m, k);
            long t4 = System.nanoTime();
            System.out.printf("solve %.3f s (pivoted qr %.3f, Q2^T C %.3f) %s%n", (t1 - t0) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, s.rank().message());
        }
    }
}
