package dev.jtc.engine.tap;

import java.lang.foreign.MemorySegment;

/**
 * Asked after each block whether the forward pass may stop; when it answers true the remaining
 * blocks are not computed (and FINAL_NORM/LOGITS taps do not fire). The sweeps that decide from
 * confidence belong to a later issue; this is the hook they plug into.
 */
@FunctionalInterface
public interface ExitPolicy {

    ExitPolicy NEVER = (layer, hidden, rows, width) -> false;

    /**
     * @param layer  layers computed so far (1..L): {@code hidden} is layer {@code layer}'s residual stream
     * @param hidden read-only {@code rows × width} view of every row of the batch, valid during the call
     */
    boolean stopAfter(int layer, MemorySegment hidden, int rows, int width);
}
