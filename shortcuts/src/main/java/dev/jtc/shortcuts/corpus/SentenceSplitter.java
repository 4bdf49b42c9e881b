package dev.jtc.shortcuts.corpus;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a paragraph into sentences with ICU4J's sentence iterator and its abbreviation suppressions
 * ({@code en@ss=standard}): on the English Europarl paragraphs it split after an abbreviation such as
 * "Mr." or "No." far less often than the JDK's {@code java.text.BreakIterator}, which breaks at every
 * period followed by a space and a capital letter (measured in SentenceSplitterTest; the figures are in
 * the project notes). The paper used spaCy, whose splits differ from both in details.
 * Not thread-safe: an ICU iterator keeps the text it is iterating.
 */
final class SentenceSplitter {

    private final BreakIterator iterator;

    private SentenceSplitter(BreakIterator iterator) {
        this.iterator = iterator;
    }

    /** A splitter with the abbreviation suppressions of an ISO 639-1 language (languages without any get none). */
    static SentenceSplitter forLanguage(String language) {
        return new SentenceSplitter(BreakIterator.getSentenceInstance(new ULocale(language + "@ss=standard")));
    }

    /** The paragraph's sentences without surrounding whitespace; blank pieces are dropped. */
    List<String> split(String paragraph) {
        List<String> out = new ArrayList<>();
        iterator.setText(paragraph);
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            String sentence = paragraph.substring(start, end).strip();
            if (!sentence.isEmpty()) out.add(sentence);
        }
        return out;
    }
}
