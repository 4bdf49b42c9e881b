package dev.jtc.engine.generate;

import java.lang.foreign.MemorySegment;

/**
 * Chooses the next token from one row of logits. {@link #greedy()} is a pure function of the logits;
 * {@link #seeded} draws from a random generator, so it has state: make a fresh one, with the same seed, for each
 * text that should come out the same.
 */
public sealed interface Sampler permits Greedy, SeededSampler {

    /** The most likely token (ties: the lower id). */
    static Sampler greedy() {
        return new Greedy();
    }

    /**
     * Draws from the softmax of {@code logits / temperature} over the {@code topK} most likely tokens (0: all of
     * them), with a {@link java.util.SplittableRandom} seeded with {@code seed}; {@link SeededSampler} gives the
     * exact algorithm.
     *
     * @throws IllegalArgumentException for a temperature that is not a positive finite number or a negative top-k
     */
    static Sampler seeded(double temperature, int topK, long seed) {
        return new SeededSampler(temperature, topK, seed);
    }

    /**
     * The token chosen from {@code n} logits starting at element {@code off}.
     *
     * @throws IllegalStateException when a logit is NaN (the model's output is broken, nothing can be chosen)
     */
    int choose(MemorySegment logits, long off, int n);
}
