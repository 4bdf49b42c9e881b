package dev.jtc.shortcuts.corpus;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One sentence and one position in it: what a hidden state is taken at.
 *
 * @param split    train or validation
 * @param index    the sentence's index in its corpus ({@link Sentence#index()})
 * @param document the sentence's document
 * @param position the position drawn, in the sentence's tokens (for BERT counting [CLS] as 0)
 * @param tokenId  the sentence's token at {@code position}, before any masking
 * @param text     the text that was tokenized (a paragraph-final sentence with its "\n")
 * @param input    the ids the model runs on: GPT-2 tokens[0..position]; BERT [CLS] … [SEP] with [MASK]
 *                 at {@code position}
 *
 * <p>Serializable: a distributed fit sends its samples to the machines that run the model.
 */
public record Sample(Split split, int index, int document, int position, int tokenId, String text, int[] input)
        implements Serializable {

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && split == s.split && index == s.index && document == s.document
                && position == s.position && tokenId == s.tokenId && text.equals(s.text) && Arrays.equals(input, s.input);
    }

    @Override
    public int hashCode() {
        return ((index * 31 + position) * 31 + tokenId) * 31 + Arrays.hashCode(input);
    }

    @Override
    public String toString() {
        return "Sample[" + split.label() + " " + index + " @" + position + " token " + tokenId + "]";
    }
}
