package dev.jtc.shortcuts.corpus;

import java.util.ArrayList;
import java.util.List;

/** Numbers sentences in the order they are added, which makes their index their identity. */
final class CorpusBuilder {

    private final List<Sentence> sentences = new ArrayList<>();

    /**
     * Adds one paragraph's sentences.
     *
     * @param lastIsParagraphFinal false when the paragraph's end is not in the text (a document cut short)
     */
    void addParagraph(int document, int paragraph, List<String> paragraphSentences, boolean lastIsParagraphFinal) {
        for (int i = 0; i < paragraphSentences.size(); i++) {
            boolean last = i == paragraphSentences.size() - 1;
            sentences.add(new Sentence(document, paragraph, sentences.size(), paragraphSentences.get(i), last && lastIsParagraphFinal));
        }
    }

    boolean isEmpty() {
        return sentences.isEmpty();
    }

    Corpus build(String name) {
        return new Corpus(name, sentences);
    }
}
