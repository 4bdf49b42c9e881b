package dev.jtc.tokenizer;

/**
 * Choices a tokenizer's files do not make, or that a user may override.
 *
 * @param lowercase         for a WordPiece vocab.txt: lower-case and strip accents (uncased) or not;
 *                          null decides from tokenizer_config.json's do_lower_case, else from the
 *                          vocabulary (one with upper-case letters is cased)
 * @param maxLength         the maximum sequence length; null takes tokenizer_config.json's
 *                          model_max_length, else 512 for WordPiece and 1024 for BPE
 * @param periodAsPadToken  GPT-2 only, off by default: reproduce the paper's original pipeline,
 *                          which split the text at every '.' and stripped whitespace around it
 *                          (see {@link BytePairTokenizer#withPeriodAsPadToken()})
 */
public record TokenizerOptions(Boolean lowercase, Integer maxLength, boolean periodAsPadToken) {

    public static TokenizerOptions defaults() {
        return new TokenizerOptions(null, null, false);
    }

    public TokenizerOptions withLowercase(boolean value) {
        return new TokenizerOptions(value, maxLength, periodAsPadToken);
    }

    public TokenizerOptions withMaxLength(int value) {
        if (value < 1) throw new IllegalArgumentException("maximum length must be at least 1, was " + value + ".");
        return new TokenizerOptions(lowercase, value, periodAsPadToken);
    }

    public TokenizerOptions withPeriodAsPadToken(boolean value) {
        return new TokenizerOptions(lowercase, maxLength, value);
    }
}
