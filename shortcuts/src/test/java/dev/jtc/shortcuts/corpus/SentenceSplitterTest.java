package dev.jtc.shortcuts.corpus;

import com.ibm.icu.util.ULocale;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The splitter on passages from the English Europarl lines where the JDK's iterator, ICU's standard
 * suppressions and ours disagree, each split by hand (the reference), plus abbreviations and numbers.
 */
class SentenceSplitterTest {

    /** Passages and their sentences as a reader splits them. */
    private static final List<List<String>> HAND_SPLIT = List.of(
            List.of("The risks faced by the entire region are huge, and that is why our expectations of you, Mr. Janša, are also high."),
            List.of("The Warsaw Pact has disappeared but we have not offered any response other than the ceaseless expansion of NATO.",
                    "We are now reaping the rewards of this!"),
            List.of("The Commission has positively concealed fraud and so shown the need for an independent director of OLAF.",
                    "As the situation stands, a unanimous nomination from the European Parliament is therefore the best solution."),
            List.of("Likewise, we cannot support the thinking behind, inter alia, recitals F and G.",
                    "The calls for 'zero tolerance' mentioned in the report are too vague."),
            List.of("'Observes that the 2007 decreases in reported aid levels are due in some cases to the artificial boosting of figures in 2006 by debt relief; ...';"),
            List.of("When the Turkish daily paper starts to run a campaign under the slogan of ‘send me to school, Daddy!’, then that is a cause with which we can ally ourselves."),
            List.of("See No. 5 and Art. 7 of the act.", "Then we vote."),
            List.of("We eat fruit, e.g. apples, every day.", "It rose 5.2 per cent in 2004.", "The rest fell."),
            List.of("Mrs. Jones and Dr. Brown agree.", "It is no.", "We disagree."));

    @Test
    void splitsTheEuroparlPassagesAsByHand() {
        SentenceSplitter ours = SentenceSplitter.forLanguage("en");
        for (List<String> expected : HAND_SPLIT) assertEquals(expected, ours.split(String.join(" ", expected)));
    }

    @Test
    void theAlternativesSplitMoreOfThemWrongly() {
        int jdk = 0;
        int icuStandard = 0;
        java.text.BreakIterator jdkIterator = java.text.BreakIterator.getSentenceInstance(Locale.ENGLISH);
        com.ibm.icu.text.BreakIterator icuIterator = com.ibm.icu.text.BreakIterator.getSentenceInstance(new ULocale("en@ss=standard"));
        for (List<String> expected : HAND_SPLIT) {
            String passage = String.join(" ", expected);
            if (!expected.equals(split(passage, jdkIterator::setText, jdkIterator::first, jdkIterator::next))) jdk++;
            if (!expected.equals(split(passage, icuIterator::setText, icuIterator::first, icuIterator::next))) icuStandard++;
        }
        assertTrue(jdk >= 3, "the JDK split " + jdk + " of the passages wrongly");
        assertTrue(icuStandard >= 3, "ICU's standard suppressions split " + icuStandard + " of the passages wrongly");
    }

    @Test
    void otherLanguagesUseIcusRules() {
        assertEquals(List.of("Herr Präsident, wir stimmen zu.", "Die Aussprache ist geschlossen."),
                SentenceSplitter.forLanguage("de").split("Herr Präsident, wir stimmen zu. Die Aussprache ist geschlossen.   "));
        assertEquals(List.of(), SentenceSplitter.forLanguage("fr").split("   "));
    }

    private static List<String> split(String text, java.util.function.Consumer<String> setText,
                                      java.util.function.IntSupplier first, java.util.function.IntSupplier next) {
        List<String> out = new ArrayList<>();
        setText.accept(text);
        int start = first.getAsInt();
        for (int end = next.getAsInt(); end != -1; start = end, end = next.getAsInt()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }
}
