package dev.jtc.engine.model;

import java.util.List;

/**
 * Sequences run together. Their rows are laid out one after another (sequence s occupies rows
 * {@code start(s) .. start(s)+length(s)-1} of every site), so sequences of different lengths need
 * no padding; explicit right-padding ({@link Sequence#padded}) is also honoured through the mask.
 */
public final class Batch {

    private final Sequence[] sequences;
    private final int[] starts;
    private final int rows;
    private final int longest;

    private Batch(List<Sequence> sequences) {
        if (sequences.isEmpty()) throw new IllegalArgumentException("a batch needs at least one sequence; got none.");
        this.sequences = sequences.toArray(new Sequence[0]);
        this.starts = new int[this.sequences.length];
        int r = 0;
        int max = 0;
        for (int s = 0; s < this.sequences.length; s++) {
            starts[s] = r;
            r = Math.addExact(r, this.sequences[s].length());
            max = Math.max(max, this.sequences[s].length());
        }
        this.rows = r;
        this.longest = max;
    }

    public static Batch of(List<Sequence> sequences) {
        return new Batch(sequences);
    }

    public static Batch of(Sequence... sequences) {
        return new Batch(List.of(sequences));
    }

    /** One unpadded sequence. */
    public static Batch of(int... tokens) {
        return new Batch(List.of(Sequence.of(tokens)));
    }

    public int size() {
        return sequences.length;
    }

    public Sequence sequence(int s) {
        return sequences[s];
    }

    /** First row of sequence s. */
    public int start(int s) {
        return starts[s];
    }

    public int length(int s) {
        return sequences[s].length();
    }

    public int attended(int s) {
        return sequences[s].attended();
    }

    /** Total rows: the sum of the sequence lengths. */
    public int rows() {
        return rows;
    }

    public int longest() {
        return longest;
    }
}
