package dev.jtc.shortcuts.corpus;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The sentences samples are drawn from, with the document and paragraph each came from. */
public final class Corpus {

    private final String name;
    private final List<Sentence> sentences;

    Corpus(String name, List<Sentence> sentences) {
        for (int i = 0; i < sentences.size(); i++) {
            if (sentences.get(i).index() != i) {
                throw new IllegalArgumentException("sentence " + i + " of corpus " + name + " carries index " + sentences.get(i).index() + ".");
            }
        }
        this.name = name;
        this.sentences = List.copyOf(sentences);
    }

    /**
     * The Europarl documents in one language from Lucene's test framework (resolved from the local Maven
     * repository, else downloaded from Maven Central, as is the language detector's model).
     *
     * @param language ISO 639-1 code (en, de, fr, …; three-letter ISO 639-3 codes work too)
     * @param progress where downloads and the language identification report progress
     */
    public static Corpus europarl(String language, PrintStream progress) {
        return Europarl.load(progress).corpus(language);
    }

    /** A UTF-8 text file of documents separated by blank lines, one paragraph a line, split into sentences as English. */
    public static Corpus documents(Path file) {
        return CorpusFiles.documents(file);
    }

    /** A UTF-8 text file of one sentence a line; each line is its own document and paragraph. */
    public static Corpus sentences(Path file) {
        return CorpusFiles.sentences(file);
    }

    /** {@code europarl-LANG}, or a user file's name without its extension: names the run directory. */
    public String name() {
        return name;
    }

    public List<Sentence> sentences() {
        return sentences;
    }

    /** The number of documents that contributed at least one sentence. */
    public int documents() {
        return (int) sentences.stream().mapToInt(Sentence::document).distinct().count();
    }

    /** The number of paragraphs that contributed at least one sentence. */
    public int paragraphs() {
        return (int) sentences.stream().map(s -> List.of(s.document(), s.paragraph())).distinct().count();
    }

    @Override
    public String toString() {
        return name + " (" + documents() + " documents, " + sentences.size() + " sentences)";
    }
}
