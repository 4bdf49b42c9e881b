package dev.jtc.shortcuts.metrics;

/**
 * Precision@k (docs/method.md §6): a row scores 1 when the shortcut's top-1 token is among the full model's k most
 * probable tokens. "Among" means among the first k ids of the full model's ranking as stored, whose ties were
 * already broken by lower id: a top-1 tied in logit with the 5th and 6th tokens counts at k = 5 only when it is the
 * one ranked 5th. The ranking is the one place where ties are broken, so every metric agrees with the top-10 stored
 * in {@code predictions.safetensors}.
 */
public final class PrecisionAtK {

    /** The reference keeps the full model's ten best tokens, so k cannot go beyond that. */
    public static final int MAX_K = 10;

    private PrecisionAtK() {
    }

    /** 1.0 or 0.0 per row: whether {@code top1[row]} is among {@code top10[row][0..k)}. */
    public static double[] hits(int[][] top10, int[] top1, int k, int vocabSize) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("Precision@k needs k from 1 to " + MAX_K + " (the full model's ranking "
                    + "is kept to its ten best tokens), got k = " + k + ".");
        }
        if (k > vocabSize) {
            throw new IllegalArgumentException("Precision@" + k + " is meaningless over a vocabulary of " + vocabSize
                    + " tokens; k must be at most the vocabulary size.");
        }
        if (top1.length != top10.length) {
            throw new IllegalArgumentException("Precision@" + k + ": the shortcut has " + top1.length
                    + " rows but the full model's ranking has " + top10.length + ".");
        }
        double[] hits = new double[top1.length];
        for (int row = 0; row < top1.length; row++) {
            for (int rank = 0; rank < k; rank++) {
                if (top10[row][rank] == top1[row]) {
                    hits[row] = 1;
                    break;
                }
            }
        }
        return hits;
    }
}
