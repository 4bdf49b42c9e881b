package dev.jtc.engine.kernels;

/** Which keys a query may attend to; shared by both implementations so they cannot disagree. */
final class Masking {

    private Masking() {
    }

    /**
     * The visible keys of query {@code i} form the prefix {@code 0 .. result-1}: key j is visible iff
     * {@code j < validKeys} and, when causal, {@code j <= i + (tk - tq)}.
     */
    static int visibleKeys(int i, int tq, int tk, boolean causal, int validKeys) {
        int limit = validKeys;
        if (causal) limit = Math.min(limit, i + (tk - tq) + 1);
        return Math.max(0, Math.min(limit, tk));
    }
}
