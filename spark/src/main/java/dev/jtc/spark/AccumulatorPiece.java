package dev.jtc.spark;

import dev.jtc.engine.linalg.TsqrAccumulator;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * One source's least-squares accumulator over a partition's training rows (or over several partitions', once
 * merged). On the wire it is the accumulator's own versioned format, raw doubles: a Java object graph would be no
 * smaller and far slower for the 1 GB that one gpt2-xl source holds.
 */
public final class AccumulatorPiece implements Piece, Externalizable {

    private TsqrAccumulator accumulator;

    /** For deserialization only. */
    public AccumulatorPiece() {
    }

    AccumulatorPiece(TsqrAccumulator accumulator) {
        this.accumulator = accumulator;
    }

    TsqrAccumulator accumulator() {
        return accumulator;
    }

    /** Folds {@code other}'s rows into this accumulator: the stacked-R step of tall-and-skinny QR. */
    @Override
    public Piece merge(Piece other) {
        accumulator.merge(((AccumulatorPiece) other).accumulator);
        return this;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        accumulator.writeTo(out);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        accumulator = TsqrAccumulator.read(in);
    }
}
