package dev.jtc.engine.generate;

import java.lang.foreign.MemorySegment;

/**
 * One sequence's computation as {@link Generator} drives it: the prompt first, then each chosen token, every call
 * leaving the logits the next token is chosen from. The plain one is a cached GPT-2 step; others may stop early.
 * One decoder per sequence, used by one thread; {@link #close} frees what it holds.
 */
public interface Decoder extends AutoCloseable {

    /**
     * Runs {@code tokens} at the positions after those already run.
     *
     * @return how many blocks the last of them ran: the model's L, or fewer when the decoder stopped early
     */
    int run(int[] tokens);

    /** The logits of the next token after the last {@link #run}: {@code vocabSize} floats from element 0, valid until the next run. */
    MemorySegment logits();

    @Override
    void close();
}
