package dev.jtc.tokenizer;

/**
 * A vocabulary, merges or tokenizer.json file that cannot be used. The message is one sentence
 * naming the file (and line or field) and what was expected. It is an
 * {@link IllegalArgumentException} because a bad file is a user error, not a bug.
 */
public final class TokenizerFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TokenizerFileException(String message) {
        super(message);
    }

    public TokenizerFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
