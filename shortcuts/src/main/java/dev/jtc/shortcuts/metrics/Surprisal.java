package dev.jtc.shortcuts.metrics;

/**
 * Surprisal (docs/method.md §6): how unlikely the full model finds the shortcut's top-1 token, {@code −ln p_full(top-1)}
 * in nats, per row. Zero when the shortcut picks a token the full model is certain of.
 */
public final class Surprisal {

    private Surprisal() {
    }

    /**
     * Per row {@code −ln p}. A probability of 0 (a float softmax that underflowed) is refused: its surprisal is
     * infinite, and one infinite row would make the mean and every bootstrap resample that draws it infinite too.
     */
    public static double[] perRow(float[] pFullOfTop1) {
        double[] s = new double[pFullOfTop1.length];
        for (int row = 0; row < s.length; row++) {
            float p = pFullOfTop1[row];
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("surprisal: the full model's probability of the shortcut's top-1 at "
                        + "row " + row + " is " + p + "; it must be in (0, 1] for −ln p to be finite.");
            }
            // 0 − ln p rather than −ln p, so that p = 1 gives 0.0 and not −0.0.
            s[row] = 0.0 - Math.log(p);
        }
        return s;
    }
}
