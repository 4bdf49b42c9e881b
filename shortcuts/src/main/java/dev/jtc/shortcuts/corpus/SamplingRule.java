package dev.jtc.shortcuts.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Which sentences of a corpus are drawn, and in what order. */
public enum SamplingRule {

    /**
     * The paper's: documents in a seeded random order, from each at most one sentence, chosen uniformly
     * among its paragraph-final ones. The authors drew a random sentence and accepted it only when it was
     * the last of its paragraph; conditioned on acceptance that is exactly a uniform choice among the
     * paragraph-final sentences, without the wasted draws. Documents with none give nothing.
     */
    PAPER {
        @Override
        List<Sentence> drawOrder(Corpus corpus, long seed) {
            List<List<Sentence>> byDocument = paragraphFinalByDocument(corpus);
            Draws.shuffle(byDocument, Draws.documentOrder(seed));
            List<Sentence> order = new ArrayList<>(byDocument.size());
            for (List<Sentence> candidates : byDocument) {
                Random choice = Draws.sentenceChoice(seed, candidates.getFirst().document());
                order.add(candidates.get(choice.nextInt(candidates.size())));
            }
            return order;
        }

        @Override
        public int available(Corpus corpus) {
            return paragraphFinalByDocument(corpus).size();
        }
    },

    /** Every sentence of the corpus, paragraph-final or not, shuffled with the seed. */
    SENTENCES {
        @Override
        List<Sentence> drawOrder(Corpus corpus, long seed) {
            List<Sentence> order = new ArrayList<>(corpus.sentences());
            Draws.shuffle(order, Draws.sentenceOrder(seed));
            return order;
        }

        @Override
        public int available(Corpus corpus) {
            return corpus.sentences().size();
        }
    };

    /** The rule named {@code paper} or {@code sentences} (any case). */
    public static SamplingRule parse(String name) {
        for (SamplingRule rule : values()) {
            if (rule.name().equalsIgnoreCase(name.strip())) return rule;
        }
        throw new IllegalArgumentException("unknown sampling rule \"" + name + "\"; expected paper or sentences.");
    }

    /** How many sentences this rule can draw from the corpus (before any turn out to give no tokens). */
    public abstract int available(Corpus corpus);

    /** The sentences in the order samples are taken from them; each at most once. */
    abstract List<Sentence> drawOrder(Corpus corpus, long seed);

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Per document (in corpus order) its paragraph-final sentences; documents without any are left out. */
    private static List<List<Sentence>> paragraphFinalByDocument(Corpus corpus) {
        List<List<Sentence>> out = new ArrayList<>();
        List<Sentence> current = new ArrayList<>();
        int document = -1;
        for (Sentence s : corpus.sentences()) {
            if (s.document() != document) {
                if (!current.isEmpty()) out.add(current);
                current = new ArrayList<>();
                document = s.document();
            }
            if (s.paragraphFinal()) current.add(s);
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }
}
