package dev.jtc.shortcuts.mappings;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.model.Predictions;
import dev.jtc.engine.model.TopTwo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The full model's distribution at a chunk of validation rows, held while every shortcut row of the chunk is scored
 * against it: its logits, its probabilities, and per row the three sums that turn KL(p_full ‖ p_shortcut) into one
 * dot product per shortcut row.
 *
 * <p>With {@code z} the full logits, {@code s} a shortcut's, {@code p} the full probabilities and {@code lse} the
 * log-normalisers: {@code KL = Σ p·(z − lse_z) − Σ p·(s − lse_s) = Σ p·z − Σ p·s + (lse_s − lse_z)·Σ p}. Σ p is
 * kept rather than taken as 1 so that a shortcut equal to the full model scores exactly 0.
 */
final class ReferenceRows {

    /** The full model's top-k kept per row: Precision@k is measured for k up to this. */
    static final int TOP_K = 10;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final Kernels kernels;
    private final int vocab;
    private final MemorySegment logits;
    private final MemorySegment probabilities;
    private final double[] logNormalizer;
    private final double[] expectedLogit;
    private final double[] mass;
    private int rows;

    ReferenceRows(Kernels kernels, int capacity, int vocab, Arena arena) {
        this.kernels = kernels;
        this.vocab = vocab;
        this.logits = arena.allocate((long) capacity * vocab * Float.BYTES, 64);
        this.probabilities = arena.allocate(logits.byteSize(), 64);
        this.logNormalizer = new double[capacity];
        this.expectedLogit = new double[capacity];
        this.mass = new double[capacity];
    }

    /** Where the caller writes the full model's logits of {@code rows} rows before {@link #prepare}. */
    MemorySegment logits() {
        return logits;
    }

    /** Computes the reference of the {@code rows} logit rows just written, and each row's top ten into {@code top10}. */
    void prepare(int rows, int[][] top10, int firstRow) {
        this.rows = rows;
        MemorySegment.copy(logits, 0, probabilities, 0, (long) rows * vocab * Float.BYTES);
        for (int r = 0; r < rows; r++) {
            long off = (long) r * vocab;
            kernels.softmax(probabilities, off, vocab);
            logNormalizer[r] = kernels.logSumExp(logits, off, vocab);
            expectedLogit[r] = kernels.dot(probabilities, off, logits, off, vocab);
            double sum = 0;
            for (int v = 0; v < vocab; v++) sum += probabilities.getAtIndex(F, off + v);
            mass[r] = sum;
            top10[firstRow + r] = Predictions.topIds(logits, off, vocab, TOP_K);
        }
    }

    /**
     * Scores one shortcut row of logits (at element {@code off} of {@code shortcut}) against reference row {@code r},
     * storing its top-1, two largest probabilities, the full model's probability of its top-1 and the KL divergence
     * at {@code [layer][row]} of {@code out}.
     */
    void score(MemorySegment shortcut, long off, int r, MappingPredictions out, int layer, int row) {
        if (r >= rows) throw new IllegalStateException("reference row " + r + " of " + rows + " is not prepared.");
        TopTwo top = TopTwo.of(kernels, shortcut, off, vocab);
        long ref = (long) r * vocab;
        out.top1()[layer][row] = top.top1();
        out.pTop1()[layer][row] = top.probability1();
        out.pTop2()[layer][row] = top.probability2();
        // A probability below the smallest float is stored as that float, so surprisal stays finite (at most 103.3 nats).
        float pFull = (float) StrictMath.exp(logits.getAtIndex(F, ref + top.top1()) - logNormalizer[r]);
        out.pFullOfTop1()[layer][row] = Math.max(pFull, Float.MIN_VALUE);
        double crossLogit = kernels.dot(probabilities, ref, shortcut, off, vocab);
        out.kl()[layer][row] = (float) (expectedLogit[r] - crossLogit + (top.logNormalizer() - logNormalizer[r]) * mass[r]);
    }

    /** Scores the reference row itself: the last layer of every mapping, where nothing is left to map. */
    void scoreItself(int r, MappingPredictions out, int layer, int row) {
        score(logits, (long) r * vocab, r, out, layer, row);
    }
}
