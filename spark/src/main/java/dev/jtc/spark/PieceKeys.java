package dev.jtc.spark;

import org.apache.spark.Partitioner;

/**
 * The keys of a fit's pieces, each its own reduce partition, so that a reduce task holds one source's accumulator
 * (the largest pieces) and nothing else: sources {@code 0..S−1}, then the validation rows of each of the N states,
 * then (with kept training states) the training rows of each state, then the tally.
 */
final class PieceKeys extends Partitioner {

    /** What a key stands for. */
    enum Kind { SOURCE, VALIDATION_ROWS, TRAIN_ROWS, TALLY }

    private final int sources;
    private final int states;
    private final boolean keptTrain;

    PieceKeys(int sources, int states, boolean keptTrain) {
        this.sources = sources;
        this.states = states;
        this.keptTrain = keptTrain;
    }

    int source(int source) {
        return source;
    }

    int validationRows(int state) {
        return sources + state;
    }

    int trainRows(int state) {
        if (!keptTrain) throw new IllegalStateException("this fit keeps no training rows.");
        return sources + states + state;
    }

    int tally() {
        return sources + (keptTrain ? 2 : 1) * states;
    }

    Kind kind(int key) {
        if (key < sources) return Kind.SOURCE;
        if (key < sources + states) return Kind.VALIDATION_ROWS;
        if (key < tally()) return Kind.TRAIN_ROWS;
        return Kind.TALLY;
    }

    /** The source or state index a key of kind SOURCE, VALIDATION_ROWS or TRAIN_ROWS stands for. */
    int index(int key) {
        return switch (kind(key)) {
            case SOURCE -> key;
            case VALIDATION_ROWS -> key - sources;
            case TRAIN_ROWS -> key - sources - states;
            case TALLY -> 0;
        };
    }

    @Override
    public int numPartitions() {
        return tally() + 1;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PieceKeys k && k.sources == sources && k.states == states && k.keptTrain == keptTrain;
    }

    @Override
    public int hashCode() {
        return (sources * 31 + states) * 2 + (keptTrain ? 1 : 0);
    }
}
