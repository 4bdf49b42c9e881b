package dev.jtc.engine.model;

/**
 * One input sequence of token ids. Positions at or after {@code attended} are padding: they are
 * computed (their rows exist, as in TensorFlow's BERT) but no position attends to them.
 *
 * @param tokens     token ids
 * @param tokenTypes BERT segment ids (same length), or null for all zeros; ignored by GPT-2
 * @param attended   how many leading positions are real tokens (1..tokens.length)
 */
public record Sequence(int[] tokens, int[] tokenTypes, int attended) {

    public Sequence {
        if (tokens.length == 0) throw new IllegalArgumentException("a sequence needs at least one token; got none.");
        if (tokenTypes != null && tokenTypes.length != tokens.length) {
            throw new IllegalArgumentException("token types have " + tokenTypes.length + " entries for "
                    + tokens.length + " tokens; expected one per token.");
        }
        if (attended < 1 || attended > tokens.length) {
            throw new IllegalArgumentException("attended length " + attended + " must be between 1 and the "
                    + tokens.length + " tokens of the sequence.");
        }
        tokens = tokens.clone();
        tokenTypes = tokenTypes == null ? null : tokenTypes.clone();
    }

    /** A sequence with no padding and all token types 0. */
    public static Sequence of(int... tokens) {
        return new Sequence(tokens, null, tokens.length);
    }

    /** A right-padded sequence: only the first {@code attended} tokens are attended to. */
    public static Sequence padded(int[] tokens, int attended) {
        return new Sequence(tokens, null, attended);
    }

    public int length() {
        return tokens.length;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int tokenType(int i) {
        return tokenTypes == null ? 0 : tokenTypes[i];
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public int[] tokenTypes() {
        return tokenTypes == null ? null : tokenTypes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sequence s && s.attended == attended && java.util.Arrays.equals(s.tokens, tokens)
                && java.util.Arrays.equals(s.tokenTypes, tokenTypes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(tokens) * 31 + attended;
    }

    @Override
    public String toString() {
        return "Sequence" + java.util.Arrays.toString(tokens) + (attended < tokens.length ? " attended " + attended : "");
    }
}
