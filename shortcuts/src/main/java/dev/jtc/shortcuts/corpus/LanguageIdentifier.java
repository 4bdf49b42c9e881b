package dev.jtc.shortcuts.corpus;

import dev.jtc.weights.builtin.MavenArtifact;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Names the language of a text with Apache OpenNLP's language detector (model langdetect-183: character
 * n-grams, 103 languages, Apache-2.0). Lucene's stop-word lists, the other candidate, have none for
 * Polish, Slovak or Slovenian, three of Europarl's 21 languages; the detector covers all 21. Its model
 * (10 MB) is resolved from Maven only when a Europarl corpus is asked for.
 */
final class LanguageIdentifier {

    static final MavenArtifact MODEL_JAR = new MavenArtifact("org.apache.opennlp", "opennlp-models-langdetect", "1.3.0");
    static final String MODEL_ENTRY = "langdetect-183.bin";

    /**
     * On Europarl the detector names Estonian and Latvian by their individual-language codes (ekk, lvs),
     * which the JDK's ISO 639 table does not map; users type the macrolanguages' et and lv.
     */
    private static final Map<String, String> INDIVIDUAL_TO_MACRO = Map.of("ekk", "et", "lvs", "lv");
    private static final Map<String, String> TWO_LETTER = twoLetterCodes();

    private final ThreadLocal<LanguageDetectorME> detectors;

    private LanguageIdentifier(LanguageDetectorModel model) {
        // The detector is cheap; one per thread because OpenNLP does not promise it is thread-safe.
        this.detectors = ThreadLocal.withInitial(() -> new LanguageDetectorME(model));
    }

    static LanguageIdentifier load(PrintStream progress) {
        Path jar = MODEL_JAR.resolve(progress);
        // OpenNLP logs through SLF4J; without a provider SLF4J prints three warning lines on stderr.
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(MODEL_ENTRY);
            if (entry == null) throw new IllegalStateException(jar + " has no entry " + MODEL_ENTRY + ".");
            try (InputStream in = zip.getInputStream(entry)) {
                return new LanguageIdentifier(new LanguageDetectorModel(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read the language model " + MODEL_ENTRY + " in " + jar + ": " + e.getMessage(), e));
        }
    }

    /** The text's most probable language as an ISO 639-1 code (ISO 639-3 for languages that have no two-letter code). */
    String identify(String text) {
        return normalize(detectors.get().predictLanguage(text).getLang());
    }

    /** The languages of many texts, in parallel, in input order. */
    List<String> identifyAll(List<String> texts) {
        return texts.parallelStream().map(this::identify).toList();
    }

    /** A language code as the corpus names it: ISO 639-1 where the language has one, in lower case. */
    static String normalize(String code) {
        String c = code.strip().toLowerCase(Locale.ROOT);
        String macro = INDIVIDUAL_TO_MACRO.get(c);
        if (macro != null) return macro;
        return TWO_LETTER.getOrDefault(c, c);
    }

    private static Map<String, String> twoLetterCodes() {
        Map<String, String> out = new HashMap<>();
        for (String two : Locale.getISOLanguages()) out.put(Locale.of(two).getISO3Language(), two);
        return Map.copyOf(out);
    }
}
