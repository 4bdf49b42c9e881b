package dev.jtc.engine.tap;

/** Which token positions of each sequence a tap receives. */
public sealed interface RowSelection {

    /** Every position (including padded ones), delivered as one block of rows per sequence. */
    static RowSelection all() {
        return All.INSTANCE;
    }

    /** The last attended position of each sequence (GPT-2's next-token position). */
    static RowSelection last() {
        return Last.INSTANCE;
    }

    /** One chosen position per sequence: {@code positions[s]} for sequence s. */
    static RowSelection at(int... positions) {
        return new At(positions);
    }

    enum All implements RowSelection { INSTANCE }

    enum Last implements RowSelection { INSTANCE }

    record At(int[] positions) implements RowSelection {
        public At {
            positions = positions.clone();
            for (int p : positions) {
                if (p < 0) throw new IllegalArgumentException("tap row positions must be non-negative, got " + p + ".");
            }
        }

        @Override
        public int[] positions() {
            return positions.clone();
        }

        int position(int sequence) {
            return positions[sequence];
        }
    }

    /** The one row of sequence s this selection picks, or -1 for {@link All}. */
    static int positionOf(RowSelection rows, int sequence, int attended) {
        return switch (rows) {
            case All a -> -1;
            case Last l -> attended - 1;
            case At at -> {
                if (sequence >= at.positions.length) {
                    throw new IllegalArgumentException("the tap chose positions for " + at.positions.length
                            + " sequences but the batch has more (sequence " + sequence + ").");
                }
                yield at.position(sequence);
            }
        };
    }
}
