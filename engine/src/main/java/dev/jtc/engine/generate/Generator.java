package dev.jtc.engine.generate;

import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * Autoregressive generation with GPT-2: the prompt runs once (prefill), then each chosen token runs alone (decode)
 * against what the earlier ones left in a {@link KvCache}, so a token costs one position's work instead of the whole
 * sequence's. Each {@link #generate} call opens a {@link Decoder} of its own: the plain one, or one given to the
 * constructor (an early exit's). A seeded sampler's state carries over from one call to the next, so a text is
 * reproduced by a new generator with a new sampler of the same seed.
 */
public final class Generator {

    private final Gpt2 model;
    private final Sampler sampler;
    private final IntFunction<? extends Decoder> decoders;

    /** Plain generation: every token runs every block. */
    public Generator(Gpt2 model, Sampler sampler) {
        this(model, sampler, positions -> new CachedDecoder(model, positions));
    }

    /**
     * Generation through the decoders {@code decoders} opens, given the number of positions a sequence needs
     * (prompt plus generated tokens but the last, which is chosen and never run).
     */
    public Generator(Gpt2 model, Sampler sampler, IntFunction<? extends Decoder> decoders) {
        this.model = model;
        this.sampler = sampler;
        this.decoders = decoders;
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
        long positions = (long) prompt.length + maxTokens - 1;
        if (positions > model.maxPositions()) {
            throw new IllegalArgumentException("the prompt's " + prompt.length + " tokens and " + maxTokens
                    + " new tokens need " + positions + " positions, more than the model's " + model.maxPositions() + ".");
        }
        int vocab = model.vocabSize();
        int[] tokens = new int[maxTokens];
        int[] layers = new int[maxTokens];
        long[] decodeNanos = new long[maxTokens - 1];
        int[] latest = new int[1];
        try (Decoder decoder = decoders.apply((int) positions)) {
            long start = System.nanoTime();
            layers[0] = decoder.run(prompt);
            tokens[0] = sampler.choose(decoder.logits(), 0, vocab);
            long prefillNanos = System.nanoTime() - start;
            int made = 1;
            for (; made < maxTokens && !isEnd(tokens[made - 1], endToken); made++) {
                start = System.nanoTime();
                latest[0] = tokens[made - 1];
                layers[made] = decoder.run(latest);
                tokens[made] = sampler.choose(decoder.logits(), 0, vocab);
                decodeNanos[made - 1] = System.nanoTime() - start;
            }
            boolean ended = isEnd(tokens[made - 1], endToken);
            int kept = ended ? made - 1 : made;
            return new Generation(Arrays.copyOf(tokens, kept), Arrays.copyOf(layers, kept),
                    ended ? Generation.Stop.END_TOKEN : Generation.Stop.MAX_TOKENS,
                    prefillNanos, Arrays.copyOf(decodeNanos, made - 1));
        }
    }

    private static boolean isEnd(int token, OptionalInt endToken) {
        return endToken.isPresent() && token == endToken.getAsInt();
    }
}
