package dev.jtc.engine.tap;

import java.lang.foreign.MemorySegment;

/**
 * Asked whether the forward pass may stop, after every block but the last: after block b (0-based)
 * it is asked with layer b + 1, so layers 1..L−1, once each and in order, after that block's taps. When it
 * answers true the remaining blocks are not computed, FINAL_NORM/LOGITS taps do not fire, and
 * {@code forward} returns that layer. After the last block there is nothing left to skip, so it is
 * not asked there, and {@link #NEVER} is not asked at all. The sweeps that decide from confidence
 * belong to a later issue; this is the hook they plug into.
 */
@FunctionalInterface
public interface ExitPolicy {

    ExitPolicy NEVER = (layer, hidden, rows, width) -> false;

    /**
     * @param layer  blocks computed so far (1..L−1): {@code hidden} is layer {@code layer}'s residual stream
     * @param hidden read-only {@code rows × width} view of every row of the batch, valid during the call
     */
    boolean stopAfter(int layer, MemorySegment hidden, int rows, int width);
}
