package dev.jtc.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our ids against Hugging Face tokenizers (Rust, through DJL) on the Europarl corpus and on hard
 * inputs, for bert-base-uncased's vocabulary and GPT-2's. DJL gets the same files as us, turned
 * into tokenizer.json the way HF's converters do it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HuggingFaceParityTest {

    private Path dir;

    private HuggingFaceTokenizer hfBert;
    private HuggingFaceTokenizer hfGpt2;
    private WordPieceTokenizer bert;
    private BytePairTokenizer gpt2;
    private Path bertJson;
    private Path gpt2Json;

    @BeforeAll
    void load(@TempDir Path tmp) throws IOException {
        dir = tmp;
        Path b = Files.createDirectories(dir.resolve("bert"));
        Path g = Files.createDirectories(dir.resolve("gpt2"));
        bertJson = References.writeBertTokenizerJson(b, References.bertVocabLines(), true);
        References.writeGpt2Files(g);
        gpt2Json = References.writeGpt2TokenizerJson(g, g.resolve("vocab.json"), g.resolve("merges.txt"));
        hfBert = References.huggingFace(bertJson);
        hfGpt2 = References.huggingFace(gpt2Json);
        bert = References.ourBertUncased();
        gpt2 = (BytePairTokenizer) Tokenizers.load(g.resolve("vocab.json"));
    }

    @AfterAll
    void close() {
        if (hfBert != null) hfBert.close();
        if (hfGpt2 != null) hfGpt2.close();
    }

    private static List<String> english() {
        return References.europarl().stream().filter(References::isEnglish).toList();
    }

    /** The other 16,500 lines: Europarl's other languages (Greek, Baltic, Slavic, Romance, Germanic, Finnic). */
    private static List<String> otherLanguages() {
        return References.europarl().stream().filter(t -> !References.isEnglish(t)).toList();
    }

    @Test
    void corpusHasEnoughEnglish() {
        assertTrue(english().size() > 800, "expected the English part of Europarl, found " + english().size() + " lines");
    }

    @Test
    void bertIdsAndOffsetsOnEnglishCorpus() {
        compare(bert, hfBert, english(), true);
    }

    @Test
    void bertIdsAndOffsetsOnOtherLanguages() {
        compare(bert, hfBert, otherLanguages(), true);
    }

    @Test
    void gpt2IdsAndOffsetsOnEnglishCorpus() {
        compare(gpt2, hfGpt2, english(), true);
    }

    @Test
    void gpt2IdsAndOffsetsOnOtherLanguages() {
        compare(gpt2, hfGpt2, otherLanguages(), true);
    }

    @Test
    void adversarialInputs() {
        compare(bert, hfBert, Adversarial.texts(), true);
        compare(gpt2, hfGpt2, Adversarial.texts(), true);
    }

    @Test
    void cased() throws IOException {
        Path c = Files.createDirectories(dir.resolve("cased"));
        Path json = References.writeBertTokenizerJson(c, References.bertVocabLines(), false);
        Tokenizer ours = Tokenizers.load(json);
        try (HuggingFaceTokenizer hf = References.huggingFace(json)) {
            compare(ours, hf, Adversarial.texts(), true);
            compare(ours, hf, english().subList(0, 100), true);
        }
    }

    /** HF cannot hold unpaired surrogates (DJL mangles them); we read each as U+FFFD. */
    @Test
    void unpairedSurrogatesAreReplacementCharacters() {
        for (String t : Adversarial.withUnpairedSurrogates()) {
            String replaced = UnicodeClasses.replaceUnpairedSurrogates(t);
            assertEquals(t.length(), replaced.length());
            assertTrue(replaced.chars().noneMatch(ch -> Character.isSurrogate((char) ch)) || replaced.codePoints().count() < replaced.length());
            assertArrayEquals(References.toInts(hfBert.encode(replaced).getIds()), bert.encode(t, true, Integer.MAX_VALUE).ids(), t);
            assertArrayEquals(References.toInts(hfGpt2.encode(replaced).getIds()), gpt2.encode(t, true, Integer.MAX_VALUE).ids(), t);
        }
    }

    @Test
    void tokenizerJsonLoadsTheSameAsTheVocabularyFiles() {
        Tokenizer bertJ = Tokenizers.load(bertJson);
        Tokenizer gpt2J = Tokenizers.load(gpt2Json);
        for (String t : english().subList(0, 50)) {
            assertArrayEquals(bert.encode(t).ids(), bertJ.encode(t).ids());
            assertArrayEquals(gpt2.encode(t).ids(), gpt2J.encode(t).ids());
        }
        for (String t : Adversarial.texts()) {
            assertArrayEquals(bert.encode(t, true, Integer.MAX_VALUE).ids(), bertJ.encode(t, true, Integer.MAX_VALUE).ids());
            assertArrayEquals(gpt2.encode(t, true, Integer.MAX_VALUE).ids(), gpt2J.encode(t, true, Integer.MAX_VALUE).ids());
        }
    }

    @Test
    void decodeMatches() {
        List<String> texts = new ArrayList<>(english().subList(0, 200));
        texts.addAll(Adversarial.texts());
        for (String t : texts) {
            int[] b = bert.encode(t, true, Integer.MAX_VALUE).ids();
            assertEquals(hfBert.decode(References.toLongs(b), true), bert.decode(b, true), t);
            assertEquals(hfBert.decode(References.toLongs(b), false), bert.decode(b, false), t);
            int[] g = gpt2.encode(t, true, Integer.MAX_VALUE).ids();
            assertEquals(t, gpt2.decode(g));
            assertEquals(hfGpt2.decode(References.toLongs(g), false), gpt2.decode(g), t);
        }
    }

    private static void compare(Tokenizer ours, HuggingFaceTokenizer hf, List<String> texts, boolean offsets) {
        int mismatches = 0;
        StringBuilder first = new StringBuilder();
        long tokens = 0;
        for (String text : texts) {
            var reference = hf.encode(text);
            int[] expected = References.toInts(reference.getIds());
            Encoding actual = ours.encode(text, true, Integer.MAX_VALUE);
            tokens += expected.length;
            boolean same = Arrays.equals(expected, actual.ids());
            if (same && offsets) same = sameOffsets(text, reference.getCharTokenSpans(), actual);
            if (!same) {
                if (mismatches++ < 3) first.append(describe(text, reference, actual)).append('\n');
            }
        }
        assertEquals(0, mismatches, mismatches + " of " + texts.size() + " texts (" + tokens + " tokens) differ from Hugging Face; first:\n" + first);
    }

    /** DJL reports spans in code points; ours are UTF-16 indices. Special tokens have none in DJL. */
    private static boolean sameOffsets(String text, CharSpan[] spans, Encoding ours) {
        for (int i = 0; i < spans.length; i++) {
            if (spans[i] == null) continue;
            int s = text.codePointCount(0, ours.start(i));
            int e = text.codePointCount(0, ours.end(i));
            if (s != spans[i].getStart() || e != spans[i].getEnd()) return false;
        }
        return true;
    }

    private static String describe(String text, ai.djl.huggingface.tokenizers.Encoding hf, Encoding ours) {
        int[] h = References.toInts(hf.getIds());
        int at = 0;
        while (at < Math.min(h.length, ours.size()) && h[at] == ours.id(at)) at++;
        String[] ht = hf.getTokens();
        StringBuilder b = new StringBuilder();
        b.append("text[").append(Math.min(text.length(), 120)).append("]=").append(text, 0, Math.min(text.length(), 120))
                .append(" ... first difference at token ").append(at).append(": HF ");
        for (int i = at; i < Math.min(at + 5, h.length); i++) {
            CharSpan sp = hf.getCharTokenSpans()[i];
            b.append(h[i]).append('\'').append(ht[i]).append('\'').append(sp == null ? "" : "@" + sp.getStart() + "-" + sp.getEnd()).append(' ');
        }
        b.append(" ours ");
        for (int i = at; i < Math.min(at + 5, ours.size()); i++) {
            b.append(ours.id(i)).append('\'').append(ours.token(i)).append("'@").append(text.codePointCount(0, ours.start(i)))
                    .append('-').append(text.codePointCount(0, ours.end(i))).append(' ');
        }
        return b.toString();
    }
}
