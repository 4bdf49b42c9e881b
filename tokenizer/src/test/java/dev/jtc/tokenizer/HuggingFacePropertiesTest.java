package dev.jtc.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Arbitrary well-formed strings give Hugging Face's ids, for BERT (uncased and cased) and GPT-2. */
class HuggingFacePropertiesTest {

    private static Path dir;
    private static HuggingFaceTokenizer hfBert;
    private static HuggingFaceTokenizer hfCased;
    private static HuggingFaceTokenizer hfGpt2;
    private static Tokenizer bert;
    private static Tokenizer cased;
    private static Tokenizer gpt2;

    @BeforeContainer
    static void load() throws IOException {
        dir = Files.createTempDirectory("jtc-hf-properties");
        Path b = Files.createDirectories(dir.resolve("bert"));
        Path c = Files.createDirectories(dir.resolve("cased"));
        Path g = Files.createDirectories(dir.resolve("gpt2"));
        Path bertJson = References.writeBertTokenizerJson(b, References.bertVocabLines(), true);
        Path casedJson = References.writeBertTokenizerJson(c, References.bertVocabLines(), false);
        References.writeGpt2Files(g);
        Path gpt2Json = References.writeGpt2TokenizerJson(g, g.resolve("vocab.json"), g.resolve("merges.txt"));
        hfBert = References.huggingFace(bertJson);
        hfCased = References.huggingFace(casedJson);
        hfGpt2 = References.huggingFace(gpt2Json);
        bert = References.ourBertUncased();
        cased = Tokenizers.load(casedJson);
        gpt2 = Tokenizers.load(g.resolve("vocab.json"));
    }

    @AfterContainer
    static void close() throws IOException {
        for (HuggingFaceTokenizer t : new HuggingFaceTokenizer[]{hfBert, hfCased, hfGpt2}) if (t != null) t.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 500)
    void bertUncased(@ForAll("text") String text) {
        assertArrayEquals(References.toInts(hfBert.encode(text).getIds()), bert.encode(text, true, Integer.MAX_VALUE).ids(), text);
    }

    @Property(tries = 300)
    void bertCased(@ForAll("text") String text) {
        assertArrayEquals(References.toInts(hfCased.encode(text).getIds()), cased.encode(text, true, Integer.MAX_VALUE).ids(), text);
    }

    @Property(tries = 500)
    void gpt2(@ForAll("text") String text) {
        assertArrayEquals(References.toInts(hfGpt2.encode(text).getIds()), gpt2.encode(text, true, Integer.MAX_VALUE).ids(), text);
    }

    /** Words, spaces, specials and any code point (no unpaired surrogates: HF cannot hold them). */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> anyCodePoint = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(c -> c < 0xD800 || c > 0xDFFF).map(Character::toString);
        Arbitrary<String> pieces = Arbitraries.of("the", " ", "  ", "\n", "\t", "'s", " don't", "É", "é", "e\u0301", "İ",
                "😀", "👨‍👩‍👧", "12", "½", ".", ",", "!?", "$", "日本", "한", "Σ", "\u00a0", "\u200b", "\u0000", "\uFFFD",
                "[MASK]", "[CLS]", "[mask", "<|endoftext|>", "##", "straße", "ﬁ");
        return Arbitraries.frequencyOf(
                        Tuple.of(3, anyCodePoint),
                        Tuple.of(6, pieces),
                        Tuple.of(4, Arbitraries.strings().alpha().numeric().ofMaxLength(14)))
                .list().ofMaxSize(30).map(l -> String.join("", l));
    }
}
