package dev.jtc.shortcuts.corpus;

import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.ModelConfig.Architecture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws the paper's samples: sentences in the order of a {@link SamplingRule}, each tokenized alone and
 * truncated at the model's length, one position uniform over its tokens, the first {@code train} of them
 * for training and the next {@code validation} for validation. GPT-2 reads the tokens up to and including
 * the position with no BOS/EOS; BERT reads [CLS] … [SEP] with the token at the position replaced by
 * [MASK], so the position may land on [CLS] or [SEP] as in the paper.
 */
public final class Sampler {

    private Sampler() {
    }

    /**
     * @param maxPositions the model's maximum sequence length (1024 for GPT-2, 512 for BERT); longer
     *                     sentences are cut there
     * @param seed         every random choice follows from it (see {@link Draws})
     * @throws IllegalArgumentException when fewer sentences give tokens than the sizes ask for, or BERT's
     *                                  tokenizer has no [MASK]
     */
    public static Samples draw(Corpus corpus, SamplingRule rule, Tokenizer tokenizer, Architecture architecture,
                               int maxPositions, SplitSizes sizes, long seed) {
        if (maxPositions < 1) throw new IllegalArgumentException("the model's maximum length must be at least 1, got " + maxPositions + ".");
        Inputs inputs = Inputs.of(architecture, tokenizer, maxPositions);
        List<Sample> train = new ArrayList<>(sizes.train());
        List<Sample> validation = new ArrayList<>(sizes.validation());
        int skipped = 0;
        for (Sentence sentence : rule.drawOrder(corpus, seed)) {
            if (train.size() + validation.size() == sizes.total()) break;
            Split split = train.size() < sizes.train() ? Split.TRAIN : Split.VALIDATION;
            Sample sample = inputs.sample(split, sentence, seed);
            if (sample == null) {
                skipped++;
            } else {
                (split == Split.TRAIN ? train : validation).add(sample);
            }
        }
        int drawn = train.size() + validation.size();
        if (drawn < sizes.total()) {
            throw new IllegalArgumentException("corpus " + corpus.name() + " gives only " + drawn + " sentences with tokens under the "
                    + rule + " rule (" + skipped + " gave none), but " + sizes.train() + " training + " + sizes.validation()
                    + " validation = " + sizes.total() + " were asked for.");
        }
        return new Samples(train, validation, skipped);
    }

    /** How one architecture turns a sentence and a position into the ids the model runs on. */
    record Inputs(Architecture architecture, Tokenizer tokenizer, int maxPositions, int maskId) {

        static Inputs of(Architecture architecture, Tokenizer tokenizer, int maxPositions) {
            int mask = -1;
            if (architecture == Architecture.BERT) {
                mask = tokenizer.tokenId("[MASK]");
                if (mask < 0) throw new IllegalArgumentException("the tokenizer has no [MASK] token, which BERT samples need.");
            }
            return new Inputs(architecture, tokenizer, maxPositions, mask);
        }

        /** The sample at the sentence's seeded position, or null when the sentence gives no tokens of its own. */
        Sample sample(Split split, Sentence sentence, long seed) {
            String text = sentence.textAsInDocument();
            int[] ids = tokens(text);
            if (ids == null) return null;
            int position = Draws.position(seed, sentence.index()).nextInt(ids.length);
            return new Sample(split, sentence.index(), sentence.document(), position, ids[position], text, input(ids, position));
        }

        /** The sentence's tokens (BERT's with [CLS] and [SEP]), or null when the text gives none. */
        int[] tokens(String text) {
            boolean bert = architecture == Architecture.BERT;
            int[] ids = tokenizer.encode(text, bert, maxPositions).ids();
            int specials = bert ? 2 : 0;
            return ids.length > specials ? ids : null;
        }

        int[] input(int[] ids, int position) {
            if (architecture == Architecture.GPT2) return Arrays.copyOf(ids, position + 1);
            int[] masked = ids.clone();
            masked[position] = maskId;
            return masked;
        }
    }
}
