package dev.jtc.spark;

import java.util.Arrays;

/**
 * Rows of one state for some samples of one split: {@code values} holds {@code rows.length} rows of the model's
 * width, row k being the sample at row {@code rows[k]} of the split's matrix on the driver.
 */
record RowsPiece(int[] rows, float[] values) implements Piece {

    /** The rows of both pieces; their order does not matter, since each row names its place. */
    @Override
    public Piece merge(Piece other) {
        RowsPiece o = (RowsPiece) other;
        int[] r = Arrays.copyOf(rows, rows.length + o.rows.length);
        System.arraycopy(o.rows, 0, r, rows.length, o.rows.length);
        float[] v = Arrays.copyOf(values, values.length + o.values.length);
        System.arraycopy(o.values, 0, v, values.length, o.values.length);
        return new RowsPiece(r, v);
    }
}
