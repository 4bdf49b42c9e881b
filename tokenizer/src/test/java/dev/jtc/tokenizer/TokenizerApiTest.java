package dev.jtc.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Special tokens, truncation, batches and threads, on the real bert-base-uncased and GPT-2 vocabularies. */
class TokenizerApiTest {

    private static final WordPieceTokenizer BERT = References.ourBertUncased();
    private static final BytePairTokenizer GPT2 = JtokkitParityTest.load();

    @Test
    void bertAddsClsAndSepAndKeepsMaskWhole() {
        Encoding e = BERT.encode("The capital of France is [MASK].");
        assertEquals("[CLS]", e.token(0));
        assertEquals("[SEP]", e.token(e.size() - 1));
        assertEquals(103, BERT.tokenId("[MASK]"));
        assertTrue(IntStream.of(e.ids()).anyMatch(id -> id == 103));
        assertEquals(List.of("[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]"), List.of(e.tokens()));
        assertEquals(512, BERT.maxLength());
        assertEquals(1024, GPT2.maxLength());
    }

    @Test
    void truncationKeepsTheSpecialTokens() {
        String text = "one two three four five six seven eight nine ten";
        Encoding e = BERT.encode(text, true, 6);
        assertEquals(List.of("[CLS]", "one", "two", "three", "four", "[SEP]"), List.of(e.tokens()));
        assertEquals(3, BERT.encode(text, false, 3).size());
        String longText = "word ".repeat(3000);
        assertEquals(512, BERT.encode(longText).size());
        assertEquals(1024, GPT2.encode(longText).size());
        assertThrows(IllegalArgumentException.class, () -> BERT.encode(text, true, 1));
    }

    @Test
    void offsetsPointIntoTheOriginalText() {
        String text = "Héllo,  WORLD [MASK] naïve";
        Encoding e = BERT.encode(text, false, 100);
        assertEquals("Héllo", text.substring(e.start(0), e.end(0)));
        assertEquals(",", text.substring(e.start(1), e.end(1)));
        assertEquals("[MASK]", text.substring(e.start(3), e.end(3)));
        Encoding g = GPT2.encode("Hello world", false, 100);
        assertEquals(" world", "Hello world".substring(g.start(1), g.end(1)));
    }

    @Test
    void batchAndThreadsGiveTheSameAsOneByOne() throws Exception {
        List<String> texts = References.europarl().subList(0, 400);
        List<Encoding> batch = BERT.encodeBatch(texts);
        List<Encoding> gptBatch = GPT2.encodeBatch(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(BERT.encode(texts.get(i)).ids(), batch.get(i).ids());
            assertArrayEquals(GPT2.encode(texts.get(i)).ids(), gptBatch.get(i).ids());
        }
        // a fresh instance (empty cache) used by many threads at once
        BytePairTokenizer fresh = JtokkitParityTest.load();
        List<int[]> parallel = texts.parallelStream().map(t -> fresh.encode(t, false, Integer.MAX_VALUE).ids()).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(GPT2.encode(texts.get(i), false, Integer.MAX_VALUE).ids(), parallel.get(i));
        }
    }

    @Test
    void decodeSkipsSpecialTokensOnRequest() {
        int[] ids = GPT2.encode("a<|endoftext|>b").ids();
        assertEquals(3, ids.length);
        assertEquals(50256, ids[1]);
        assertEquals("a<|endoftext|>b", GPT2.decode(ids));
        assertEquals("ab", GPT2.decode(ids, true));
        assertThrows(IllegalArgumentException.class, () -> GPT2.decode(new int[]{60000}));
    }
}
