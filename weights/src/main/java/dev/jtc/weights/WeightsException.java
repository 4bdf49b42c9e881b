package dev.jtc.weights;

/**
 * A checkpoint, config or model location that cannot be used. The message is one sentence
 * that names the file, the tensor or the field, and what was expected.
 */
public final class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
