package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.ReferencePredictions;
import dev.jtc.weights.ModelConfig;

/**
 * The paper's early-exit rule (docs/method.md §7, after Schuster et al.'s confident adaptive language modeling): after
 * layer ℓ the shortcut's confidence {@code p_top1 − p_top2} is compared with
 * {@code thr = 0.9·λ + 0.1·exp(−4·t/N)}, and the pass stops when the confidence is strictly above it. t is the
 * token's position for GPT-2 and the constant 3 for BERT; N is the mean over the validation rows of
 * {@code position + 1}.
 *
 * <p>The simulation ({@link ExitSweep}) and the engine's real early exit must stop at the same layer on every row,
 * bit for bit, or the measured speed-up would belong to a slightly different rule than the simulated precision.
 * Both therefore take the threshold from {@link #of} and the decision from {@link #exits}, never a copy of the
 * formula: the confidence is {@code (double) pTop1 − (double) pTop2} of the float probabilities as stored in
 * {@code predictions.safetensors}, and the threshold is {@code 0.9 * λ + 0.1 * Math.exp(-4.0 * t / N)} in double,
 * evaluated in that order.
 */
public final class ExitThreshold {

    private ExitThreshold() {
    }

    /** {@code 0.9·λ + 0.1·exp(−4·t/N)}; {@code meanLength} is N, see {@link #meanLength}. */
    public static double of(double lambda, int t, double meanLength) {
        return 0.9 * lambda + 0.1 * Math.exp(-4.0 * t / meanLength);
    }

    /** Whether a layer whose shortcut gives these two largest probabilities may end the pass: confidence > threshold. */
    public static boolean exits(float pTop1, float pTop2, double threshold) {
        return (double) pTop1 - (double) pTop2 > threshold;
    }

    /** t of the threshold for the token at {@code position}: the position itself for GPT-2, the constant 3 for BERT. */
    public static int t(ModelConfig.Architecture architecture, int position) {
        return architecture == ModelConfig.Architecture.GPT2 ? position : 3;
    }

    /** N of the threshold over the validation rows of {@code full}: see {@link #meanLength(int[])}. */
    public static double meanLength(ReferencePredictions full) {
        return meanLength(full.position());
    }

    /**
     * N of the threshold: the mean of {@code position + 1} over the validation rows. The integer sum is exact, so
     * the value does not depend on the order of the rows.
     */
    public static double meanLength(int[] positions) {
        if (positions.length == 0) {
            throw new IllegalArgumentException("the early-exit threshold needs at least one validation row to take "
                    + "the mean length N from, got none.");
        }
        long sum = 0;
        for (int p : positions) sum += p + 1L;
        return (double) sum / positions.length;
    }
}
