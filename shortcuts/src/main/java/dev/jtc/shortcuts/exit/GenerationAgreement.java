package dev.jtc.shortcuts.exit;

import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How far a text generated under an early exit agrees with the full model's generation from the same prompt.
 *
 * @param leading  k: how many leading tokens are identical to the full model's own generation
 * @param agreeing at how many positions the full model, given the exit run's prompt and tokens before that position,
 *                 chooses the exit run's token there (with sampling, the same seed, so every position's choice uses
 *                 the random draw the exit run used there)
 * @param compared the exit run's number of tokens, over which both counts run
 */
public record GenerationAgreement(int leading, int agreeing, int compared) {

    /** {@code agreeing / compared}: the per-token agreement (NaN for no tokens). */
    public double perToken() {
        return compared == 0 ? Double.NaN : (double) agreeing / compared;
    }

    /**
     * Compares {@code exitTokens} with {@code fullTokens}, both generated after {@code prompt}, and teaches the
     * exit run's tokens to the full model to count the per-token agreement; {@code fresh} chooses as the exit run's
     * sampler did (greedy, or seeded with the same seed and not used yet).
     */
    public static GenerationAgreement of(Gpt2 model, int[] prompt, int[] exitTokens, int[] fullTokens, Sampler fresh) {
        int leading = 0;
        while (leading < exitTokens.length && leading < fullTokens.length && exitTokens[leading] == fullTokens[leading]) leading++;
        if (exitTokens.length == 0) return new GenerationAgreement(0, 0, 0);
        int vocab = model.vocabSize();
        int agreeing = 0;
        try (KvCache cache = KvCache.of(model, prompt.length + exitTokens.length - 1); Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate((long) vocab * Float.BYTES, 64);
            model.step(cache, prompt, logits, 0);
            int[] taught = new int[1];
            for (int i = 0; i < exitTokens.length; i++) {
                if (fresh.choose(logits, 0, vocab) == exitTokens[i]) agreeing++;
                if (i + 1 == exitTokens.length) break;
                taught[0] = exitTokens[i];
                model.step(cache, taught, logits, 0);
            }
        }
        return new GenerationAgreement(leading, agreeing, exitTokens.length);
    }
}
