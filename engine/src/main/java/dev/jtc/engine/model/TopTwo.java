package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The two most probable tokens of one row of logits and the log of its softmax's normaliser: what the paper's
 * early-exit rule reads ({@code p_top1 − p_top2}, docs/method.md §7) and what the results store for each shortcut.
 * One class computes it for the simulated exit of the results and for the engine's true exit, so the two decide
 * from the same bits.
 *
 * <p>Equal logits rank the lower token id first, as {@link Predictions#topK} does; when the two largest logits are
 * equal, {@code top2} is the second token with that logit and the two probabilities are equal.
 *
 * @param logNormalizer {@code ln Σ_v exp(logit_v)} from {@link Kernels#logSumExp}
 */
public record TopTwo(int top1, float logit1, int top2, float logit2, double logNormalizer) {

    /** The top two of {@code n ≥ 2} logits starting at element {@code off}. */
    public static TopTwo of(Kernels kernels, MemorySegment logits, long off, int n) {
        if (n < 2) throw new IllegalArgumentException("the top two tokens need at least two logits, got " + n + ".");
        int first = -1, second = -1;
        float best = Float.NEGATIVE_INFINITY, next = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            if (Float.isNaN(v)) throw new IllegalStateException("logit " + i + " is NaN.");
            // Strict comparisons keep the lower id ahead of a later equal logit.
            if (v > best || first < 0) {
                second = first;
                next = best;
                first = i;
                best = v;
            } else if (v > next || second < 0) {
                second = i;
                next = v;
            }
        }
        return new TopTwo(first, best, second, next, kernels.logSumExp(logits, off, n));
    }

    /** The softmax probability of {@link #top1()}. */
    public float probability1() {
        return (float) StrictMath.exp(logit1 - logNormalizer);
    }

    /** The softmax probability of {@link #top2()}. */
    public float probability2() {
        return (float) StrictMath.exp(logit2 - logNormalizer);
    }
}
