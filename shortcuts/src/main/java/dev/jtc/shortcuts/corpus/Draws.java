package dev.jtc.shortcuts.corpus;

import java.util.List;
import java.util.Random;

/**
 * Every random choice of sampling, each from its own {@link Random} seeded by (seed, purpose, identity).
 * {@code java.util.Random} is used because its algorithm (the 48-bit LCG and {@code nextInt(bound)}) is
 * part of its specification, so samples are the same bit for bit on any JVM; a choice seeded by the
 * identity of what it chooses for (a document, a sentence) does not depend on what else was drawn, so
 * another program can recompute one sentence's position from the seed and the sentence's index alone.
 */
final class Draws {

    private static final long DOCUMENT_ORDER = 1;
    private static final long SENTENCE_CHOICE = 2;
    private static final long POSITION = 3;
    private static final long SENTENCE_ORDER = 4;

    private Draws() {
    }

    /** The order the paper rule visits documents in. */
    static Random documentOrder(long seed) {
        return generator(seed, DOCUMENT_ORDER, 0);
    }

    /** The paper rule's choice among one document's paragraph-final sentences. */
    static Random sentenceChoice(long seed, int document) {
        return generator(seed, SENTENCE_CHOICE, document);
    }

    /** The order the sentences rule visits sentences in. */
    static Random sentenceOrder(long seed) {
        return generator(seed, SENTENCE_ORDER, 0);
    }

    /** The position drawn in the sentence with this corpus index. */
    static Random position(long seed, int sentenceIndex) {
        return generator(seed, POSITION, sentenceIndex);
    }

    /**
     * Fisher–Yates as written here (from the last element down, swapping with {@code nextInt(i + 1)}), so the
     * order is fixed by this code and the specified {@code Random}, not by a library's shuffle.
     */
    static <T> void shuffle(List<T> list, Random random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /**
     * Random's seeds that differ in a few low bits give correlated first outputs, so the three parts are
     * mixed through the SplitMix64 finalizer (constants from Steele, Lea and Flood 2014) first.
     */
    static Random generator(long seed, long purpose, long identity) {
        long z = mix(mix(seed ^ mix(purpose)) + identity);
        return new Random(z);
    }

    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
