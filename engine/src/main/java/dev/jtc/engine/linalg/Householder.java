package dev.jtc.engine.linalg;

/**
 * One Householder reflector {@code H = I − τ·v·vᵀ}, {@code v = (1, scale·x)}, chosen (as LAPACK's
 * xLARFG chooses it) so that {@code H·(α, x) = (β, 0)}: β takes the sign opposite to α, so
 * {@code α − β} never cancels. A zero {@code x} gives the identity (τ = 0) and leaves α alone.
 */
record Householder(double beta, double tau, double scale) {

    static Householder of(double alpha, double xSquaredNorm) {
        if (xSquaredNorm == 0) return new Householder(alpha, 0, 0);
        double beta = -Math.copySign(Math.hypot(alpha, Math.sqrt(xSquaredNorm)), alpha);
        return new Householder(beta, (beta - alpha) / beta, 1 / (alpha - beta));
    }
}
