package dev.jtc.engine.tap;

import java.lang.foreign.MemorySegment;

/**
 * Asked whether the forward pass may stop, after every block but the last: after block b (0-based)
 * it is asked with layer b + 1, so layers 1..L−1, once each and in order, after that block's taps. When it
 * answers true the remaining blocks are not computed, FINAL_NORM/LOGITS taps do not fire, and
 * {@code forward} returns that layer. After the last block there is nothing left to skip, so it is
 * not asked there, and {@link #NEVER} is not asked at all. The paper's confidence rule plugs in here
 * ({@code dev.jtc.shortcuts.exit.ShortcutExit}); so does a cached GPT-2 step ({@code Gpt2.step} with a policy),
 * which shows it the newest position's row alone.
 */
@FunctionalInterface
public interface ExitPolicy {

    ExitPolicy NEVER = (layer, hidden, rows, width) -> false;

    /**
     * @param layer  blocks computed so far (1..L−1): {@code hidden} is layer {@code layer}'s residual stream
     * @param hidden read-only {@code rows × width} view, valid during the call: every row of the batch in
     *               {@code forward}, the newest position's row in a cached step
     */
    boolean stopAfter(int layer, MemorySegment hidden, int rows, int width);
}
