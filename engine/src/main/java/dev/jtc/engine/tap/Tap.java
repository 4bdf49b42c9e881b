package dev.jtc.engine.tap;

import java.lang.foreign.MemorySegment;

/**
 * Receives rows of a site during a forward pass. {@code rows} is a read-only view of
 * {@code rowCount × width} float32 values, row-major, valid only during the call: copy what
 * must outlive it. The first row is token position {@code firstPosition} of sequence
 * {@code sequence} of the batch; further rows are the following positions.
 */
@FunctionalInterface
public interface Tap {
    void accept(Site site, int block, int sequence, int firstPosition, int rowCount, int width, MemorySegment rows);
}
