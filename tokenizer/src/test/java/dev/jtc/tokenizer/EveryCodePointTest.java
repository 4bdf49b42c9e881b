package dev.jtc.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every code point of the Basic Multilingual Plane, and a sample of the others, in a few
 * contexts, against Hugging Face: this compares our character classes (White_Space, \p{L},
 * \p{N}, punctuation, "other", CJK, accents, lower case) with the Rust library's, one by one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryCodePointTest {

    private HuggingFaceTokenizer hfBert;
    private HuggingFaceTokenizer hfGpt2;
    private WordPieceTokenizer bert;
    private BytePairTokenizer gpt2;

    @BeforeAll
    void load(@TempDir Path dir) throws IOException {
        Path b = Files.createDirectories(dir.resolve("bert"));
        Path g = Files.createDirectories(dir.resolve("gpt2"));
        hfBert = References.huggingFace(References.writeBertTokenizerJson(b, References.bertVocabLines(), true));
        References.writeGpt2Files(g);
        hfGpt2 = References.huggingFace(References.writeGpt2TokenizerJson(g, g.resolve("vocab.json"), g.resolve("merges.txt")));
        bert = References.ourBertUncased();
        gpt2 = (BytePairTokenizer) Tokenizers.load(g.resolve("vocab.json"));
    }

    @AfterAll
    void close() {
        if (hfBert != null) hfBert.close();
        if (hfGpt2 != null) hfGpt2.close();
    }

    /**
     * Each code point between letters, after a space, doubled, and before a digit: every one of
     * the BMP, every assigned one (in the JDK's tables) above it except the 90,000 CJK ideographs
     * of planes 2 and 3 (alike, so sampled), and every 13th of the rest.
     */
    private static List<String> probes() {
        List<String> out = new ArrayList<>();
        for (int c = 1; c <= 0x10FFFF; c++) {
            if (c >= 0xD800 && c <= 0xDFFF) continue;
            int type = Character.getType(c);
            boolean sample = c % 13 == 0;
            boolean ideograph = c >= 0x20000 && c < 0x40000;
            if (c >= 0x10000 && !sample && (ideograph || type == Character.UNASSIGNED || type == Character.PRIVATE_USE)) continue;
            String s = Character.toString(c);
            out.add("a" + s + "b " + s + s + "'s 1" + s + "2 x  " + s + "\t" + s);
        }
        return out;
    }

    @Test
    void bert() {
        compare(bert, hfBert);
    }

    @Test
    void gpt2() {
        compare(gpt2, hfGpt2);
    }

    private static void compare(Tokenizer ours, HuggingFaceTokenizer hf) {
        List<String> texts = probes();
        List<String> differ = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += 2048) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 2048));
            var reference = hf.batchEncode(batch);
            for (int i = 0; i < batch.size(); i++) {
                int[] expected = References.toInts(reference[i].getIds());
                if (!Arrays.equals(expected, ours.encode(batch.get(i), true, Integer.MAX_VALUE).ids())) {
                    differ.add(String.format("U+%04X", batch.get(i).codePointAt(1)));
                }
            }
        }
        assertEquals(List.of(), differ.subList(0, Math.min(differ.size(), 40)), differ.size() + " code points differ");
    }
}
