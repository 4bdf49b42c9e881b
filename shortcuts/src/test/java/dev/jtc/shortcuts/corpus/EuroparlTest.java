package dev.jtc.shortcuts.corpus;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EuroparlTest {

    /** Europarl's 21 languages. */
    private static final Set<String> EUROPARL = Set.of("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu", "it", "lt",
            "lv", "nl", "pl", "pt", "ro", "sk", "sl", "sv");
    private static final Pattern NOT_LETTERS = Pattern.compile("[^\\p{L}]+");

    @Test
    void everyEuroparlLanguageIsFoundAndCounted() {
        Europarl europarl = References.europarl();
        Map<String, Long> documents = europarl.documentsByLanguage();
        assertEquals(17_597, europarl.documents().size());
        long inEuroparlLanguages = 0;
        System.out.println("language documents paragraphs sentences paragraph-final paper-available");
        for (String language : EUROPARL.stream().sorted().toList()) {
            long n = documents.getOrDefault(language, 0L);
            assertTrue(n >= 200, language + " has only " + n + " documents");
            inEuroparlLanguages += n;
            Corpus corpus = europarl.corpus(language);
            assertEquals("europarl-" + language, corpus.name());
            System.out.printf("%s %d %d %d %d %d%n", language, n, corpus.paragraphs(), corpus.sentences().size(),
                    corpus.sentences().stream().filter(Sentence::paragraphFinal).count(), SamplingRule.PAPER.available(corpus));
        }
        System.out.println("other codes: " + documents.entrySet().stream().filter(e -> !EUROPARL.contains(e.getKey())).toList());
        assertTrue(inEuroparlLanguages >= 17_597 - 30, (17_597 - inEuroparlLanguages) + " documents got a language Europarl does not have");
    }

    /**
     * An independent vote: the language whose Lucene stop-word list covers most of a document's words, over
     * the 18 Europarl languages Lucene has lists for. Polish, Slovak and Slovenian have none; for them the
     * letters only they use among Europarl's languages are the check.
     */
    @Test
    void languagesAgreeWithLucenesStopWords() throws IOException {
        Map<String, CharArraySet> stopWords = luceneStopWords();
        int compared = 0;
        int agreed = 0;
        for (Europarl.Document d : References.europarl().documents()) {
            if (!stopWords.containsKey(d.language())) continue;
            List<String> words = words(d.text());
            if (words.size() < 20) continue;
            compared++;
            if (d.language().equals(stopWordVote(words, stopWords))) agreed++;
        }
        System.out.printf("stop-word vote agrees on %d of %d documents (%.2f %%)%n", agreed, compared, 100.0 * agreed / compared);
        assertTrue(agreed >= 0.995 * compared, "agreed on " + agreed + " of " + compared);

        assertLetters("pl", "[łąęśźż]");
        assertLetters("sk", "[ľĺŕôä]");
        assertLetters("sl", "^[^ěůřľĺŕôłąęćđ]*[čšž][^ěůřľĺŕôłąęćđ]*$");
    }

    private static void assertLetters(String language, String regex) {
        Pattern letters = Pattern.compile(regex);
        List<Europarl.Document> ofLanguage = References.europarl().documents().stream()
                .filter(d -> d.language().equals(language) && d.text().length() >= 200).toList();
        long matching = ofLanguage.stream().filter(d -> letters.matcher(d.text().toLowerCase(Locale.ROOT)).find()).count();
        assertTrue(matching >= 0.98 * ofLanguage.size(), language + ": " + matching + " of " + ofLanguage.size() + " match " + regex);
    }

    @Test
    void windowsLoseTheirCutEnds() {
        CorpusBuilder corpus = new CorpusBuilder();
        SentenceSplitter en = SentenceSplitter.forLanguage("en");
        Europarl.addWindow(corpus, new Europarl.Document(7, "Pakistan. Mr President, I agree. The vote is closed.   "
                + "The debate will resume tomorrow. We must go on with", "en"), en);
        Europarl.addWindow(corpus, new Europarl.Document(8, "the end of it.   Thank you.   (The sitting was closed at 23.40)", "en"), en);
        Europarl.addWindow(corpus, new Europarl.Document(9, "cut. Whole sentence, closing quote.”", "en"), en);
        assertEquals(List.of(
                new Sentence(7, 0, 0, "Mr President, I agree.", false),
                new Sentence(7, 0, 1, "The vote is closed.", true),
                new Sentence(7, 1, 2, "The debate will resume tomorrow.", false),
                new Sentence(8, 1, 3, "Thank you.", true),
                new Sentence(8, 2, 4, "(The sitting was closed at 23.40)", true),
                new Sentence(9, 0, 5, "Whole sentence, closing quote.”", true)), corpus.build("t").sentences());
    }

    @Test
    void languagesAreNamedByTheirIsoCodes() {
        Europarl europarl = References.europarl();
        assertEquals("europarl-en", europarl.corpus("eng").name());
        assertEquals("europarl-de", europarl.corpus("DE").name());
        assertEquals("et", LanguageIdentifier.normalize("ekk"));
        var e = assertThrows(IllegalArgumentException.class, () -> europarl.corpus("ja"));
        assertTrue(e.getMessage().startsWith("Europarl has no sentences in language \"ja\"; languages present (documents): bg ("), e.getMessage());
    }

    private static List<String> words(String text) {
        return NOT_LETTERS.splitAsStream(text.toLowerCase(Locale.ROOT)).filter(w -> !w.isEmpty()).map(EuroparlTest::greekFolded).toList();
    }

    /** Lucene's Greek stop words are accent-free with a medial sigma throughout, as its Greek lower-casing leaves them. */
    private static String greekFolded(String word) {
        if (word.codePoints().noneMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.GREEK)) return word;
        return Normalizer.normalize(word, Normalizer.Form.NFD).replaceAll("\\p{M}", "").replace('ς', 'σ');
    }

    /** The language whose stop words are most of the document's words (ties to the first in the map's order). */
    private static String stopWordVote(List<String> words, Map<String, CharArraySet> stopWords) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        stopWords.keySet().forEach(language -> counts.put(language, 0));
        for (String w : words) {
            for (var e : stopWords.entrySet()) if (e.getValue().contains(w)) counts.merge(e.getKey(), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static Map<String, CharArraySet> luceneStopWords() throws IOException {
        Map<String, CharArraySet> sets = new LinkedHashMap<>();
        sets.put("bg", BulgarianAnalyzer.getDefaultStopSet());
        sets.put("cs", CzechAnalyzer.getDefaultStopSet());
        sets.put("da", DanishAnalyzer.getDefaultStopSet());
        sets.put("de", GermanAnalyzer.getDefaultStopSet());
        sets.put("el", GreekAnalyzer.getDefaultStopSet());
        // EnglishAnalyzer's set has 33 words; the Snowball list beside the others is the comparable one.
        try (Reader r = new InputStreamReader(SnowballFilter.class.getResourceAsStream("english_stop.txt"), StandardCharsets.UTF_8)) {
            sets.put("en", WordlistLoader.getSnowballWordSet(r));
        }
        sets.put("es", SpanishAnalyzer.getDefaultStopSet());
        sets.put("et", EstonianAnalyzer.getDefaultStopSet());
        sets.put("fi", FinnishAnalyzer.getDefaultStopSet());
        sets.put("fr", FrenchAnalyzer.getDefaultStopSet());
        sets.put("hu", HungarianAnalyzer.getDefaultStopSet());
        sets.put("it", ItalianAnalyzer.getDefaultStopSet());
        sets.put("lt", LithuanianAnalyzer.getDefaultStopSet());
        sets.put("lv", LatvianAnalyzer.getDefaultStopSet());
        sets.put("nl", DutchAnalyzer.getDefaultStopSet());
        sets.put("pt", PortugueseAnalyzer.getDefaultStopSet());
        sets.put("ro", RomanianAnalyzer.getDefaultStopSet());
        sets.put("sv", SwedishAnalyzer.getDefaultStopSet());
        return sets;
    }
}
