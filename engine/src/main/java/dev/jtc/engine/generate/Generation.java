package dev.jtc.engine.generate;

import java.util.Arrays;

/**
 * What {@link Generator#generate} produced and how long it took.
 *
 * @param tokens       the generated token ids, in order, without the prompt and without the end token
 * @param layers       for each of {@link #tokens}, how many blocks ran before it was chosen: the model's L, or the
 *                     layer where an early exit stopped
 * @param stop         why generation stopped
 * @param prefillNanos the prompt's step plus the choice of the first token
 * @param decodeNanos  for each later token, the step of the token before it plus its choice
 */
public record Generation(int[] tokens, int[] layers, Stop stop, long prefillNanos, long[] decodeNanos) {

    /** Why a generation ended. */
    public enum Stop {
        /** It produced the requested number of tokens. */
        MAX_TOKENS,
        /** The model produced the end token (not included in {@link #tokens}). */
        END_TOKEN
    }

    public Generation {
        if (layers.length != tokens.length) {
            throw new IllegalArgumentException(tokens.length + " tokens need as many layer counts, got " + layers.length + ".");
        }
        tokens = tokens.clone();
        layers = layers.clone();
        decodeNanos = decodeNanos.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public long[] decodeNanos() {
        return decodeNanos.clone();
    }

    /** The mean of {@link #layers}: L for plain generation; NaN when no token was generated. */
    public double meanLayers() {
        return Arrays.stream(layers).average().orElse(Double.NaN);
    }
}
