package dev.jtc.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding one text: token ids, their strings, and for each token the span
 * {@code [start, end)} in UTF-16 indices of the original text that produced it. Tokens the
 * tokenizer adds itself ([CLS], [SEP]) have the empty span {@code [0, 0)}, as in Hugging Face.
 * A token that covers only part of a character (byte-level BPE splits multi-byte characters)
 * gets the span of the whole character.
 */
public record Encoding(int[] ids, String[] tokens, int[] starts, int[] ends) {

    public Encoding {
        if (tokens.length != ids.length || starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("an encoding needs as many tokens and offsets as ids.");
        }
    }

    public int size() {
        return ids.length;
    }

    public int id(int i) {
        return ids[i];
    }

    public String token(int i) {
        return tokens[i];
    }

    public int start(int i) {
        return starts[i];
    }

    public int end(int i) {
        return ends[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(tokens, e.tokens)
                && Arrays.equals(starts, e.starts) && Arrays.equals(ends, e.ends);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(ids);
    }
}
