package dev.jtc.engine.kernels;

/**
 * The complementary error function in double precision, for the scalar twin (Java has no
 * {@code Math.erf}). Two classical expansions, each used where it converges fast and without
 * cancellation: the all-positive series {@code erf(x) = 2/√π·e^{-x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1))}
 * (Abramowitz–Stegun 7.1.6) below 2.5, and the continued fraction
 * {@code erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))} (A–S 7.1.14) above.
 * Both reach about 1e-15 relative.
 */
final class Erf {

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double ONE_OVER_SQRT_PI = 1.0 / Math.sqrt(Math.PI);

    private Erf() {
    }

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 0) return -erf(-x);
        if (x < 2.5) return series(x);
        return 1.0 - continuedFraction(x);
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 0) return 2.0 - erfc(-x);
        if (x < 2.5) return 1.0 - series(x);
        return continuedFraction(x);
    }

    private static double series(double x) {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    private static double continuedFraction(double x) {
        if (x > 27) return 0.0; // e^{-x²} underflows a double
        double t = x;
        for (int n = 120; n >= 1; n--) t = x + (n * 0.5) / t;
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / t;
    }
}
