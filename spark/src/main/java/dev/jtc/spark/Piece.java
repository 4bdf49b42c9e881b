package dev.jtc.spark;

import java.io.Serializable;

/**
 * What one partition's collection sends on, under a key of {@link PieceKeys}: the pieces of one key from every
 * partition meet in one reduce task and merge into one, which the driver takes into its own collected states.
 */
sealed interface Piece extends Serializable permits AccumulatorPiece, RowsPiece, TallyPiece {

    /** This piece and {@code other} (of the same key, from other partitions) as one; may reuse this piece. */
    Piece merge(Piece other);
}
