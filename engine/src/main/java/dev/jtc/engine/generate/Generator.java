package dev.jtc.engine.generate;

import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Plain autoregressive generation with GPT-2: the prompt runs once into a fresh {@link KvCache} (prefill), then
 * each chosen token runs alone against it (decode), so a token costs one position's work instead of the whole
 * sequence's. Each {@link #generate} call has its own cache; a seeded sampler's state carries over from one call to
 * the next, so a text is reproduced by a new generator with a new sampler of the same seed.
 */
public final class Generator {

    private final Gpt2 model;
    private final Sampler sampler;

    public Generator(Gpt2 model, Sampler sampler) {
        this.model = model;
        this.sampler = sampler;
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt}, stopping early when the sampler chooses
     * {@code endToken} (if given).
     *
     * @throws IllegalArgumentException for an empty prompt, fewer than one token asked for, or a prompt and
     *                                  tokens that do not fit in the model's positions
     */
    public Generation generate(int[] prompt, int maxTokens, OptionalInt endToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens; generation needs at least one.");
        if (maxTokens < 1) throw new IllegalArgumentException("the number of tokens to generate must be at least 1; got " + maxTokens + ".");
        // The last token is chosen, never run, so it needs no position.
        long positions = (long) prompt.length + maxTokens - 1;
        if (positions > model.maxPositions()) {
            throw new IllegalArgumentException("the prompt's " + prompt.length + " tokens and " + maxTokens
                    + " new tokens need " + positions + " positions, more than the model's " + model.maxPositions() + ".");
        }
        int vocab = model.vocabSize();
        int[] tokens = new int[maxTokens];
        long[] decodeNanos = new long[maxTokens - 1];
        int[] latest = new int[1];
        // Shared, so the LM head's matmul may use the kernels' worker threads on it.
        try (KvCache cache = KvCache.of(model, (int) positions); Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate((long) vocab * Float.BYTES, 64);
            long start = System.nanoTime();
            model.step(cache, prompt, logits, 0);
            tokens[0] = sampler.choose(logits, 0, vocab);
            long prefillNanos = System.nanoTime() - start;
            int made = 1;
            for (; made < maxTokens && !isEnd(tokens[made - 1], endToken); made++) {
                start = System.nanoTime();
                latest[0] = tokens[made - 1];
                model.step(cache, latest, logits, 0);
                tokens[made] = sampler.choose(logits, 0, vocab);
                decodeNanos[made - 1] = System.nanoTime() - start;
            }
            boolean ended = isEnd(tokens[made - 1], endToken);
            return new Generation(Arrays.copyOf(tokens, ended ? made - 1 : made),
                    ended ? Generation.Stop.END_TOKEN : Generation.Stop.MAX_TOKENS,
                    prefillNanos, Arrays.copyOf(decodeNanos, made - 1));
        }
    }

    private static boolean isEnd(int token, OptionalInt endToken) {
        return endToken.isPresent() && token == endToken.getAsInt();
    }
}
