package dev.jtc.shortcuts.corpus;

import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.ModelConfig.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    /** bert-base-uncased's special ids and GPT-2's id of "\n" (token "Ċ"), from their vocabularies. */
    private static final int CLS = 101, SEP = 102, MASK = 103, GPT2_NEWLINE = 198;

    @TempDir
    Path dir;

    /** 400 documents of three paragraphs, the first with two sentences. */
    private Corpus documents() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < 400; d++) {
            b.append("Document ").append(d).append(" opens here. It has a second sentence about item ").append(d * 7).append(".\n");
            b.append("The middle paragraph of number ").append(d).append(".\n");
            b.append("A closing remark, number ").append(d).append("!\n\n");
        }
        return Corpus.documents(References.write(dir, "docs.txt", b.toString()));
    }

    @Test
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers() throws IOException {
        Corpus corpus = documents();
        Tokenizer gpt2 = References.gpt2();
        SplitSizes sizes = new SplitSizes(200, 100);
        Samples a = Sampler.draw(corpus, SamplingRule.PAPER, gpt2, Architecture.GPT2, 1024, sizes, 0);
        Samples b = Sampler.draw(corpus, SamplingRule.PAPER, gpt2, Architecture.GPT2, 1024, sizes, 0);
        Samples c = Sampler.draw(corpus, SamplingRule.PAPER, gpt2, Architecture.GPT2, 1024, sizes, 1);
        assertEquals(a, b);
        assertNotEquals(a.train(), c.train());
        assertEquals(200, a.train().size());
        assertEquals(100, a.validation().size());
        assertTrue(a.train().stream().allMatch(s -> s.split() == Split.TRAIN));
        assertTrue(a.validation().stream().allMatch(s -> s.split() == Split.VALIDATION));
    }

    @Test
    void aSentencesPositionDependsOnlyOnTheSeedAndTheSentence() throws IOException {
        Corpus corpus = documents();
        Tokenizer gpt2 = References.gpt2();
        Samples paper = Sampler.draw(corpus, SamplingRule.PAPER, gpt2, Architecture.GPT2, 1024, new SplitSizes(300, 100), 5);
        Samples all = Sampler.draw(corpus, SamplingRule.SENTENCES, gpt2, Architecture.GPT2, 1024, new SplitSizes(1200, 400), 5);
        var positions = all.all().stream().collect(Collectors.toMap(Sample::index, Sample::position));
        for (Sample s : paper.all()) assertEquals(positions.get(s.index()), s.position(), "sentence " + s.index());
    }

    @Test
    void thePaperRuleTakesOneParagraphFinalSentencePerDocument() throws IOException {
        Corpus corpus = documents();
        assertEquals(400, SamplingRule.PAPER.available(corpus));
        assertEquals(1600, SamplingRule.SENTENCES.available(corpus));
        Samples samples = Sampler.draw(corpus, SamplingRule.PAPER, References.gpt2(), Architecture.GPT2, 1024, new SplitSizes(300, 100), 3);
        Set<Integer> documents = new HashSet<>();
        Set<Integer> paragraphs = new HashSet<>();
        for (Sample s : samples.all()) {
            Sentence sentence = corpus.sentences().get(s.index());
            assertTrue(documents.add(s.document()), "two samples from document " + s.document());
            assertTrue(sentence.paragraphFinal());
            assertEquals(sentence.document(), s.document());
            assertEquals(sentence.text() + "\n", s.text());
            paragraphs.add(sentence.paragraph());
        }
        assertEquals(Set.of(0, 1, 2), paragraphs, "every paragraph's final sentence can be chosen");
    }

    @Test
    void thePaperRuleOnEuroparl() {
        Corpus corpus = References.europarl().corpus("en");
        int available = SamplingRule.PAPER.available(corpus);
        SplitSizes sizes = SplitSizes.resolve(available, null, null);
        assertEquals(available / 4, sizes.validation());
        Samples samples = Sampler.draw(corpus, SamplingRule.PAPER, References.gpt2(), Architecture.GPT2, 1024, sizes, 0);
        assertEquals(sizes.train(), samples.train().size());
        assertEquals(sizes.validation(), samples.validation().size());
        assertEquals(samples.all().size(), samples.all().stream().map(Sample::document).distinct().count());
        for (Sample s : samples.all()) {
            assertTrue(corpus.sentences().get(s.index()).paragraphFinal());
            assertTrue(s.text().endsWith("\n"));
            int[] ids = References.gpt2().encode(s.text(), false, 1024).ids();
            assertEquals(GPT2_NEWLINE, ids[ids.length - 1], "the paragraph's newline is the last token");
        }
    }

    @Test
    void gpt2ReadsTheTokensUpToThePosition() throws IOException {
        Tokenizer gpt2 = References.gpt2();
        Samples samples = Sampler.draw(documents(), SamplingRule.SENTENCES, gpt2, Architecture.GPT2, 1024, new SplitSizes(300, 100), 9);
        for (Sample s : samples.all()) {
            int[] ids = gpt2.encode(s.text(), false, 1024).ids();
            assertArrayEquals(Arrays.copyOf(ids, s.position() + 1), s.input());
            assertEquals(ids[s.position()], s.tokenId());
            if (s.text().endsWith("\n")) assertEquals(GPT2_NEWLINE, ids[ids.length - 1], "the paragraph's newline is a token");
        }
    }

    @Test
    void bertReadsTheWholeSentenceWithTheTokenMasked() throws IOException {
        Tokenizer bert = References.bertUncased();
        Samples samples = Sampler.draw(documents(), SamplingRule.SENTENCES, bert, Architecture.BERT, 512, new SplitSizes(300, 100), 9);
        Set<Integer> landings = new HashSet<>();
        for (Sample s : samples.all()) {
            int[] ids = bert.encode(s.text(), true, 512).ids();
            assertEquals(CLS, ids[0]);
            assertEquals(SEP, ids[ids.length - 1]);
            int[] expected = ids.clone();
            expected[s.position()] = MASK;
            assertArrayEquals(expected, s.input());
            assertEquals(ids[s.position()], s.tokenId());
            if (s.position() == 0) landings.add(CLS);
            if (s.position() == ids.length - 1) landings.add(SEP);
        }
        assertEquals(Set.of(CLS, SEP), landings, "the position may land on [CLS] and on [SEP]");
    }

    @Test
    void longSentencesAreCutAtTheModelsLength() throws IOException {
        Corpus corpus = Corpus.sentences(References.write(dir, "long.txt", "word ".repeat(2000) + "\n"));
        Samples gpt2 = Sampler.draw(corpus, SamplingRule.SENTENCES, References.gpt2(), Architecture.GPT2, 1024, new SplitSizes(1, 0), 0);
        assertTrue(gpt2.train().getFirst().position() < 1024);
        Samples bert = Sampler.draw(corpus, SamplingRule.SENTENCES, References.bertUncased(), Architecture.BERT, 512, new SplitSizes(1, 0), 0);
        Sample cut = bert.train().getFirst();
        assertEquals(512, cut.input().length);
        assertEquals(cut.position() == 511 ? MASK : SEP, cut.input()[511], "BERT's truncation keeps [SEP] last");
    }

    @Test
    void positionsAreUniform() throws IOException {
        // 9 GPT-2 tokens (8 words and the newline) and 10 BERT tokens ([CLS], 8 words, [SEP]) per sentence.
        Corpus corpus = Corpus.sentences(References.write(dir, "same.txt", "one two three four five six seven eight\n".repeat(9_000)));
        assertUniform(Sampler.draw(corpus, SamplingRule.SENTENCES, References.gpt2(), Architecture.GPT2, 1024, new SplitSizes(9_000, 0), 0), 9);
        assertUniform(Sampler.draw(corpus, SamplingRule.SENTENCES, References.bertUncased(), Architecture.BERT, 512, new SplitSizes(9_000, 0), 0), 10);
    }

    /** Pearson's chi-square against the uniform distribution, below its 0.1 % critical value. */
    private static void assertUniform(Samples samples, int length) {
        long[] counts = new long[length];
        for (Sample s : samples.all()) counts[s.position()]++;
        double expected = samples.all().size() / (double) length;
        double chi2 = Arrays.stream(counts).mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
        // Critical values of chi-square at p = 0.001 for 8 and 9 degrees of freedom (standard tables).
        double critical = length == 9 ? 26.124 : 27.877;
        assertTrue(chi2 < critical, "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
    }

    @Test
    void sentencesWithoutTokensAreSkippedAndCounted() throws IOException {
        // A zero-width space is a format character BERT's normalizer removes, leaving only [CLS] [SEP].
        Corpus corpus = Corpus.sentences(References.write(dir, "gaps.txt", "Real words here.\n\u200b\nMore real words.\n\u200b\u200b\n"));
        Samples samples = Sampler.draw(corpus, SamplingRule.SENTENCES, References.bertUncased(), Architecture.BERT, 512, new SplitSizes(1, 1), 0);
        assertEquals(2, samples.skipped());
        assertEquals(Set.of(0, 2), samples.all().stream().map(Sample::index).collect(Collectors.toSet()));

        var e = assertThrows(IllegalArgumentException.class, () -> Sampler.draw(corpus, SamplingRule.SENTENCES, References.bertUncased(),
                Architecture.BERT, 512, new SplitSizes(2, 1), 0));
        assertEquals("corpus gaps gives only 2 sentences with tokens under the sentences rule (2 gave none), but 2 training + 1 validation = 3 were asked for.",
                e.getMessage());
    }

    @Test
    void bertNeedsAMaskToken() throws IOException {
        Corpus corpus = Corpus.sentences(References.write(dir, "one.txt", "a\n"));
        var e = assertThrows(IllegalArgumentException.class, () -> Sampler.draw(corpus, SamplingRule.SENTENCES, References.gpt2(),
                Architecture.BERT, 512, new SplitSizes(1, 0), 0));
        assertEquals("the tokenizer has no [MASK] token, which BERT samples need.", e.getMessage());
    }

    @Test
    void theSentencesRuleDrawsEverySentenceOnce() throws IOException {
        Corpus corpus = documents();
        Samples samples = Sampler.draw(corpus, SamplingRule.SENTENCES, References.gpt2(), Architecture.GPT2, 1024, new SplitSizes(1200, 400), 2);
        List<Integer> indices = samples.all().stream().map(Sample::index).toList();
        assertEquals(1600, new HashSet<>(indices).size());
        assertNotEquals(indices.stream().sorted().toList(), indices, "shuffled");
    }
}
