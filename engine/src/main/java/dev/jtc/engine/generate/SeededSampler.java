package dev.jtc.engine.generate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Sampling with temperature and top-k from a seeded generator, specified exactly so that another program can
 * reproduce the tokens (the engine's tests do, in numpy). For each token, from logits {@code l_0 .. l_{n−1}}:
 * <ol>
 *   <li>Candidates: the {@code k = min(topK, n)} tokens with the largest logits ({@code topK = 0}: all {@code n});
 *       among equal logits at the cut, the lower ids are kept.</li>
 *   <li>Weights, in double: {@code w_i = exp((l_i − m) / temperature)}, with {@code m} the largest logit and
 *       {@code exp} the fdlibm function of {@link StrictMath#exp}.</li>
 *   <li>One draw per token: {@code u = nextDouble()} of a {@link SplittableRandom} made once from the seed. That is
 *       SplitMix64: {@code state += 0x9E3779B97F4A7C15}; {@code z = state};
 *       {@code z = (z ^ z>>>30) · 0xBF58476D1CE4E5B9}; {@code z = (z ^ z>>>27) · 0x94D049BB133111EB};
 *       {@code z ^= z>>>31} (64-bit wrapping arithmetic, initial state = the seed), and
 *       {@code u = (z >>> 11) · 2^−53}.</li>
 *   <li>The target {@code r = u · Σ w_i} (summed in increasing id order); the token is the first candidate, in
 *       increasing id order, whose running sum of weights exceeds {@code r}, or the last candidate should
 *       rounding leave none.</li>
 * </ol>
 */
final class SeededSampler implements Sampler {

    private final double temperature;
    private final int topK;
    private final RandomGenerator random;
    private float[] sorted = new float[0];

    SeededSampler(double temperature, int topK, long seed) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the sampling temperature must be a positive finite number; got "
                    + temperature + ".");
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be 0 (all tokens) or more; got " + topK + ".");
        this.temperature = temperature;
        this.topK = topK;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(MemorySegment logits, long off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            if (Float.isNaN(v)) throw new IllegalStateException("logit " + i + " is NaN; no token can be chosen.");
            max = Math.max(max, v);
        }
        int k = topK == 0 ? n : Math.min(topK, n);
        float cut = k == n ? Float.NEGATIVE_INFINITY : kthLargest(logits, off, n, k);
        // The candidates are every logit above the cut and, of those equal to it, the lowest ids that fill k.
        int aboveCut = 0;
        for (int i = 0; i < n; i++) if (logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i) > cut) aboveCut++;
        int atCut = k - aboveCut;
        double sum = 0;
        int seenAtCut = 0;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            if (v > cut || (v == cut && seenAtCut++ < atCut)) sum += weight(v, max);
        }
        double target = random.nextDouble() * sum;
        double running = 0;
        int last = -1;
        seenAtCut = 0;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            if (v > cut || (v == cut && seenAtCut++ < atCut)) {
                running += weight(v, max);
                last = i;
                if (target < running) return i;
            }
        }
        return last;
    }

    private double weight(float logit, float max) {
        return StrictMath.exp(((double) logit - max) / temperature);
    }

    /** The k-th largest of the n logits (1 ≤ k < n), from a sorted copy kept between calls. */
    private float kthLargest(MemorySegment logits, long off, int n, int k) {
        if (sorted.length != n) sorted = new float[n];
        MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT, off * Float.BYTES, sorted, 0, n);
        Arrays.sort(sorted);
        return sorted[n - k];
    }
}
