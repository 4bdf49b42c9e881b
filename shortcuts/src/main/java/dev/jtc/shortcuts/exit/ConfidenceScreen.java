package dev.jtc.shortcuts.exit;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.kernels.QuantizedWeights;
import dev.jtc.engine.model.Model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Proves, when it can, that the paper's rule does not fire for a state, without computing the head: what makes the
 * true exit's check cheap while its decision stays the simulated one, bit for bit.
 *
 * <p>The check's cost is the head, a V×d matrix streamed from memory for one row (94 MB for BERT-base, 154 MB for
 * GPT-2 in float32). Most checks answer "stay", and "stay" needs no logits, only an upper bound on the confidence
 * below the threshold. With {@code z₁ ≥ z₂} the two largest logits and {@code R} the sum of {@code e^z} over all
 * the others, the confidence {@code p_top1 − p_top2 = (e^{z₁} − e^{z₂}) / (e^{z₁} + e^{z₂} + R)} rises with z₁ and
 * falls with z₂ and R, so any {@code A ≥ z₁}, {@code B ≤ z₂} and {@code R' ≤ R} bound it from above. They come from:
 * <ol>
 * <li>an 8-bit copy of the head ({@link QuantizedWeights}, a quarter of the bytes), which gives every logit within a
 * proven radius: {@code lo_v ≤ z_v ≤ hi_v};</li>
 * <li>A = the largest {@code hi}; B = the second largest {@code lo} (two different tokens reach it, so z₂ does);
 * R' = {@code Σ_v e^{lo_v}} less its two largest terms (R leaves out two terms, at most those);</li>
 * <li>when that does not prove it, the {@value #REFINED} tokens of largest {@code hi} computed exactly
 * ({@link Kernels#column}: the same floats the head gives), which replaces their bounds by their values.</li>
 * </ol>
 * A proof must clear the threshold by a part in 10⁴ and by 10⁻⁶: the exact path's normaliser and probabilities are
 * float computations, each within a few 10⁻⁷ of the true values. Otherwise — the rule may fire, or the screen cannot
 * tell — the caller runs the exact head and decides from it, so a screen that cannot decide costs time, never an
 * answer.
 *
 * <p>One instance per thread: it holds the scratch of the estimate.
 */
final class ConfidenceScreen {

    /** Tokens computed exactly when the bounds alone do not settle it. */
    static final int REFINED = 16;

    private final Kernels kernels;
    private final QuantizedWeights quantized;
    private final PackedWeights head;
    private final MemorySegment bias;
    private final int vocab;
    private final int width;
    private final MemorySegment estimate;
    private final MemorySegment lower;
    /** The {@link #REFINED} + 1 largest upper bounds, in decreasing order, and their tokens. */
    private final double[] topHigh = new double[REFINED + 1];
    private final int[] topToken = new int[REFINED + 1];
    private final double[] exact = new double[REFINED];

    /** Scratch from {@code arena}, which must be usable from the kernels' threads. */
    ConfidenceScreen(Model model, QuantizedWeights quantized, Arena arena) {
        this.kernels = model.kernels();
        this.quantized = quantized;
        this.head = model.headWeights();
        this.bias = model.headBias();
        this.vocab = model.vocabSize();
        this.width = model.width();
        this.estimate = arena.allocate((long) vocab * Float.BYTES, 64);
        this.lower = arena.allocate((long) vocab * Float.BYTES, 64);
    }

    /**
     * Whether {@code p_top1 − p_top2 > threshold} is certainly false for the head input at element {@code off} of
     * {@code normed} (a state already through the final norm). False means "not proven", not "fires".
     */
    boolean cannotFire(MemorySegment normed, long off, double threshold) {
        if (threshold <= 0) return false; // the confidence is never negative: nothing to prove
        double norm = norm(normed, off) * (1 + 1e-6);
        if (!Double.isFinite(norm)) return false;
        kernels.estimate(normed, off, quantized, estimate, 0);
        Arrays.fill(topHigh, Double.NEGATIVE_INFINITY);
        double lo1 = Double.NEGATIVE_INFINITY, lo2 = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float e = estimate.getAtIndex(ValueLayout.JAVA_FLOAT, v);
            if (!Float.isFinite(e)) return false;
            double radius = quantized.errorBound(v, norm);
            double lo = e - radius, hi = e + radius;
            // Stored as a float rounded down, so it stays a lower bound.
            lower.setAtIndex(ValueLayout.JAVA_FLOAT, v, Math.nextDown((float) lo));
            if (lo > lo2) {
                if (lo > lo1) {
                    lo2 = lo1;
                    lo1 = lo;
                } else {
                    lo2 = lo;
                }
            }
            if (hi > topHigh[REFINED]) keepHigh(v, hi);
        }
        // Everything relative to A, as e^{x − A}: Σ_v e^{lo_v − A}, less a part in 10⁵ for its float rounding.
        double a = topHigh[0];
        double lowerSum = Math.exp(kernels.logSumExp(lower, 0, vocab) - a) * (1 - 1e-5);
        if (proves(Math.exp(lo2 - a), lowerSum - Math.exp(lo1 - a) - Math.exp(lo2 - a), threshold)) return true;

        // The tokens of largest hi exactly. A is now the largest of their values and of the next hi; B the second
        // largest of their values (two different tokens); in the sum their values replace their lower bounds; the
        // two terms left out are the two largest of their values and lo1, lo2, which no other token's lo exceeds.
        int refined = 0;
        double top = topHigh[REFINED];
        for (; refined < REFINED && topHigh[refined] > Double.NEGATIVE_INFINITY; refined++) {
            exact[refined] = kernels.column(normed, off, head, bias, topToken[refined]);
            top = Math.max(top, exact[refined]);
        }
        if (refined < 2) return false;
        double sum = lowerSum * Math.exp(a - top);
        double best = Double.NEGATIVE_INFINITY, next = Double.NEGATIVE_INFINITY;
        double dropped1 = lo1, dropped2 = lo2;
        for (int i = 0; i < refined; i++) {
            double z = exact[i];
            sum += Math.exp(z - top) - Math.exp(lower.getAtIndex(ValueLayout.JAVA_FLOAT, topToken[i]) - top);
            if (z > best) {
                next = best;
                best = z;
            } else if (z > next) {
                next = z;
            }
            if (z > dropped1) {
                dropped2 = dropped1;
                dropped1 = z;
            } else if (z > dropped2) {
                dropped2 = z;
            }
        }
        return proves(Math.exp(next - top), sum - Math.exp(dropped1 - top) - Math.exp(dropped2 - top), threshold);
    }

    /**
     * ‖x‖₂ in double, element by element: d products are too few for the vector dot to reach C2 soon (until it does,
     * its vectors are boxed, 30 KB a call), and an upper bound needs no speed here.
     */
    private double norm(MemorySegment x, long off) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            double v = x.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /**
     * With {@code two = e^{B−A}} and {@code rest = R'·e^{−A}}: whether the confidence's upper bound
     * {@code (1 − two) / (1 + two + rest)}, widened for the exact path's rounding, is at most the threshold.
     */
    private static boolean proves(double two, double rest, double threshold) {
        double bound = (1 - two) / (1 + two + Math.max(0, rest));
        return bound * (1 + 1e-4) + 1e-6 <= threshold;
    }

    /** Inserts token v with upper bound hi into the sorted {@link #topHigh}, dropping the smallest. */
    private void keepHigh(int v, double hi) {
        int i = REFINED;
        while (i > 0 && topHigh[i - 1] < hi) {
            topHigh[i] = topHigh[i - 1];
            topToken[i] = topToken[i - 1];
            i--;
        }
        topHigh[i] = hi;
        topToken[i] = v;
    }
}
