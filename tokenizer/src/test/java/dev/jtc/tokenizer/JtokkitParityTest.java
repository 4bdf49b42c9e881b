package dev.jtc.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GPT-2 ids against jtokkit's r50k_base (GPT-2's vocabulary, an independent Java implementation)
 * on the corpus and on arbitrary strings, and the exact round trip decode(encode(x)) == x.
 */
class JtokkitParityTest {

    private static final com.knuddels.jtokkit.api.Encoding R50K =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    private static final BytePairTokenizer GPT2 = load();

    static BytePairTokenizer load() {
        try (InputStream v = JtokkitParityTest.class.getResourceAsStream(References.GPT2_DIR + "vocab.json");
             InputStream m = JtokkitParityTest.class.getResourceAsStream(References.GPT2_DIR + "merges.txt")) {
            return Tokenizers.bytePair(v, m, TokenizerOptions.defaults());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int[] reference(String text) {
        return R50K.encodeOrdinary(text).toArray();
    }

    @Test
    void wholeCorpus() {
        List<String> corpus = References.europarl();
        int mismatches = 0;
        String first = null;
        for (String text : corpus) {
            if (!java.util.Arrays.equals(reference(text), GPT2.encode(text, false, Integer.MAX_VALUE).ids())) {
                if (mismatches++ == 0) first = text;
            }
        }
        assertEquals(0, mismatches, mismatches + " of " + corpus.size() + " lines differ from jtokkit r50k_base; first: " + first);
    }

    @Test
    void adversarial() {
        for (String text : Adversarial.texts()) {
            if (text.contains("<|endoftext|>")) continue; // jtokkit's encodeOrdinary reads it as text
            assertArrayEquals(reference(text), GPT2.encode(text, false, Integer.MAX_VALUE).ids(), text);
        }
    }

    @Property(tries = 400)
    void sameIdsAsJtokkit(@ForAll("text") String text) {
        // jtokkit's encodeOrdinary reads the special token as text; we (and HF) do not
        net.jqwik.api.Assume.that(!text.contains("<|endoftext|>"));
        assertArrayEquals(reference(text), GPT2.encode(text, false, Integer.MAX_VALUE).ids());
    }

    @Property(tries = 600)
    void decodeInvertsEncode(@ForAll("text") String text) {
        assertEquals(text, GPT2.decode(GPT2.encode(text, false, Integer.MAX_VALUE).ids()));
    }

    @Property(tries = 300)
    void offsetsCoverTheTextInOrder(@ForAll("text") String text) {
        Encoding e = GPT2.encode(text, false, Integer.MAX_VALUE);
        int previousEnd = 0;
        for (int i = 0; i < e.size(); i++) {
            // a token may share a character with the one before it (a character split in bytes)
            if (e.start(i) != previousEnd && !(e.start(i) < previousEnd && i > 0)) {
                throw new AssertionError("token " + i + " starts at " + e.start(i) + " after " + previousEnd + " in " + text);
            }
            previousEnd = Math.max(previousEnd, e.end(i));
        }
        assertEquals(text.length(), previousEnd);
    }

    /** Well-formed strings: mostly words and spaces, with any code point (not a lone surrogate) mixed in. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> anyCodePoint = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(c -> c < 0xD800 || c > 0xDFFF).map(Character::toString);
        Arbitrary<String> common = Arbitraries.of("the", " ", "  ", "\n", "'s", "'ll", " don't", "é", "😀", "👨‍👩‍👧",
                "123", " 4", ".", "!?", "\t", "日本", "Ω", "\u00a0", "\u0301", "ab", "Xy", "<|endof", "text|>");
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, anyCodePoint),
                        net.jqwik.api.Tuple.of(6, common),
                        net.jqwik.api.Tuple.of(4, Arbitraries.strings().alpha().ofMaxLength(12)))
                .list().ofMaxSize(40).map(l -> String.join("", l));
    }
}
