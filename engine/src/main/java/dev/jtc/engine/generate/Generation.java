package dev.jtc.engine.generate;

/**
 * What {@link Generator#generate} produced and how long it took.
 *
 * @param tokens       the generated token ids, in order, without the prompt and without the end token
 * @param stop         why generation stopped
 * @param prefillNanos the prompt's step plus the choice of the first token
 * @param decodeNanos  for each later token, the step of the token before it plus its choice
 */
public record Generation(int[] tokens, Stop stop, long prefillNanos, long[] decodeNanos) {

    /** Why a generation ended. */
    public enum Stop {
        /** It produced the requested number of tokens. */
        MAX_TOKENS,
        /** The model produced the end token (not included in {@link #tokens}). */
        END_TOKEN
    }

    public Generation {
        tokens = tokens.clone();
        decodeNanos = decodeNanos.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public long[] decodeNanos() {
        return decodeNanos.clone();
    }
}
