package dev.jtc.shortcuts.corpus;

/**
 * One sentence of a corpus.
 *
 * @param document       the document's number in its source, from 0 (for Europarl the line of
 *                       {@code europarl.lines.txt}, for a one-sentence-per-line file the line)
 * @param paragraph      the paragraph's number within its document, from 0
 * @param index          the sentence's index in {@link Corpus#sentences()}: its identity for sampling
 * @param text           the sentence without surrounding whitespace
 * @param paragraphFinal whether it is the last sentence of its paragraph
 */
public record Sentence(int document, int paragraph, int index, String text, boolean paragraphFinal) {

    public Sentence {
        if (text.isBlank()) throw new IllegalArgumentException("sentence " + index + " is blank.");
    }

    /**
     * The text the model reads: a paragraph-final sentence keeps the newline that ends its paragraph,
     * because the paper's sentences did, and for GPT-2 that newline is a token of its own.
     */
    public String textAsInDocument() {
        return paragraphFinal ? text + "\n" : text;
    }
}
