package dev.jtc.engine.kernels;

/**
 * erf by numerical integration, as an independent reference for tests: 2/√π·∫₀ᶻ e^{−t²} dt with
 * 20-point Gauss–Legendre on each of ceil(8|z|)+1 equal pieces; nodes and weights computed here by
 * Newton iteration on the Legendre polynomial, so nothing is copied from a table. About 1e-15.
 */
final class QuadratureErf {

    private static final int N = 20;
    private static final double[] NODES = new double[N];
    private static final double[] WEIGHTS = new double[N];

    static {
        for (int i = 0; i < N; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (N + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= N; k++) {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = N * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.abs(dx) < 1e-16) break;
            }
            NODES[i] = x;
            WEIGHTS[i] = 2 / ((1 - x * x) * dp * dp);
        }
    }

    private QuadratureErf() {
    }

    /** erfc(z) for z ≥ 0 as the tail integral over [z, z+8] (the rest is below e^{−16z−64} relative). */
    static double erfc(double z) {
        if (z < 0) throw new IllegalArgumentException("erfc reference is for z >= 0, got " + z);
        return integral(z, z + 8);
    }

    static double erf(double z) {
        if (Double.isNaN(z)) return z;
        if (z < 0) return -erf(-z);
        if (z > 6.5) return 1.0; // 1 − erf(6.5) < 1e-19
        return integral(0, z);
    }

    private static double integral(double from, double to) {
        int pieces = (int) Math.ceil(8 * (to - from)) + 1;
        double h = (to - from) / pieces, sum = 0;
        for (int p = 0; p < pieces; p++) {
            double mid = from + (p + 0.5) * h;
            for (int i = 0; i < N; i++) {
                double t = mid + 0.5 * h * NODES[i];
                sum += WEIGHTS[i] * Math.exp(-t * t);
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum * 0.5 * h;
    }
}
