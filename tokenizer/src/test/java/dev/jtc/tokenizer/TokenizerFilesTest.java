package dev.jtc.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading from directories and files, and one clear sentence for every bad file. */
class TokenizerFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static String message(Runnable r) {
        return assertThrows(TokenizerFileException.class, r::run).getMessage();
    }

    private static final String SMALL_VOCAB = "{\"a\": 0, \"b\": 1, \"ab\": 2, \"Ġ\": 3, \"c\": 4}";

    @Test
    void directoryKinds() throws IOException {
        write("bpe/vocab.json", SMALL_VOCAB);
        write("bpe/merges.txt", "#version: 0.2\na b\n");
        assertInstanceOf(BytePairTokenizer.class, Tokenizers.load(dir.resolve("bpe")));
        assertEquals(2, Tokenizers.load(dir.resolve("bpe")).encode("ab").id(0));
        write("wp/vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nab\n##c\n");
        Tokenizer wp = Tokenizers.load(dir.resolve("wp"));
        assertInstanceOf(WordPieceTokenizer.class, wp);
        assertEquals(java.util.List.of(2, 5, 6, 1, 3), java.util.Arrays.stream(wp.encode("ABC x").ids()).boxed().toList());
    }

    @Test
    void mergesTxtStandsForTheBpePair() throws IOException {
        write("p/vocab.json", SMALL_VOCAB);
        Path merges = write("p/merges.txt", "a b\n");
        assertInstanceOf(BytePairTokenizer.class, Tokenizers.load(merges));
        Path lone = write("q/merges.txt", "a b\n");
        assertTrue(message(() -> Tokenizers.load(lone)).contains("vocab.json"));
    }

    @Test
    void periodQuirkIsForBpeOnly() throws IOException {
        write("wq/vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(dir.resolve("wq"), TokenizerOptions.defaults().withPeriodAsPadToken(true)));
        assertTrue(e.getMessage().contains("WordPiece"), e.getMessage());
    }

    @Test
    void emptyDirectory() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        String m = message(() -> Tokenizers.load(dir.resolve("empty")));
        assertTrue(m.contains("empty") && m.contains("vocab.txt"), m);
    }

    @Test
    void vocabJsonWithoutMerges() throws IOException {
        write("x/vocab.json", SMALL_VOCAB);
        String m = message(() -> Tokenizers.load(dir.resolve("x")));
        assertTrue(m.contains("merges.txt"), m);
    }

    @Test
    void missingFile() {
        String m = message(() -> Tokenizers.load(dir.resolve("nope.txt")));
        assertTrue(m.contains("nope.txt"), m);
    }

    @Test
    void malformedMergeLine() throws IOException {
        write("m/vocab.json", SMALL_VOCAB);
        write("m/merges.txt", "#version: 0.2\na b\nab  c\n");
        String m = message(() -> Tokenizers.load(dir.resolve("m")));
        assertTrue(m.contains("merges.txt line 3") && m.contains("two tokens"), m);
    }

    @Test
    void mergeOfUnknownToken() throws IOException {
        write("u/vocab.json", SMALL_VOCAB);
        write("u/merges.txt", "a b\nb c\n");
        String m = message(() -> Tokenizers.load(dir.resolve("u")));
        assertTrue(m.contains("merges.txt line 2") && m.contains("'bc'"), m);
        write("v/vocab.json", SMALL_VOCAB);
        write("v/merges.txt", "a z\n");
        m = message(() -> Tokenizers.load(dir.resolve("v")));
        assertTrue(m.contains("line 1") && m.contains("'z'"), m);
    }

    @Test
    void badVocabJson() throws IOException {
        write("j/vocab.json", "[1, 2]");
        write("j/merges.txt", "");
        assertTrue(message(() -> Tokenizers.load(dir.resolve("j"))).contains("JSON object"));
        write("k/vocab.json", "{\"a\": \"x\"}");
        write("k/merges.txt", "");
        assertTrue(message(() -> Tokenizers.load(dir.resolve("k"))).contains("'a'"));
        write("l/vocab.json", "{\"a\": 0,");
        write("l/merges.txt", "");
        String m = message(() -> Tokenizers.load(dir.resolve("l")));
        assertTrue(m.contains("vocab.json") && m.contains("not valid JSON"), m);
    }

    @Test
    void badVocabTxt() throws IOException {
        write("e/vocab.txt", "");
        assertTrue(message(() -> Tokenizers.load(dir.resolve("e"))).contains("empty"));
        Path p = dir.resolve("bin/vocab.txt");
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[]{'[', 'C', 'L', 'S', ']', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        String m = message(() -> Tokenizers.load(p));
        assertTrue(m.contains("line 2") && m.contains("UTF-8"), m);
        write("n/vocab.txt", "[UNK]\nhello\n");
        assertTrue(message(() -> Tokenizers.load(dir.resolve("n"))).contains("[CLS]"));
    }

    @Test
    void unsupportedTokenizerJson() throws IOException {
        write("t/tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": {\"a\": 0}}}");
        String m = message(() -> Tokenizers.load(dir.resolve("t")));
        assertTrue(m.contains("Unigram") && m.contains("tokenizer.json"), m);
    }

    @Test
    void casedOrUncasedFromTheVocabularyOrConfig() throws IOException {
        StringBuilder cased = new StringBuilder("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
        for (String w : "The A Paris London Berlin Rome Madrid Vienna Oslo Bern Hello hello".split(" ")) cased.append(w).append('\n');
        write("c/vocab.txt", cased.toString());
        WordPieceTokenizer c = (WordPieceTokenizer) Tokenizers.load(dir.resolve("c"));
        assertFalse(c.lowercase());
        assertEquals(c.tokenId("Hello"), c.encode("Hello", false, 10).id(0));
        write("c/tokenizer_config.json", "{\"do_lower_case\": true, \"model_max_length\": 128}");
        WordPieceTokenizer lower = (WordPieceTokenizer) Tokenizers.load(dir.resolve("c"));
        assertTrue(lower.lowercase());
        assertEquals(128, lower.maxLength());
        assertEquals(lower.tokenId("hello"), lower.encode("Hello", false, 10).id(0));
        assertFalse(((WordPieceTokenizer) Tokenizers.load(dir.resolve("c"), TokenizerOptions.defaults().withLowercase(false))).lowercase());
    }
}
