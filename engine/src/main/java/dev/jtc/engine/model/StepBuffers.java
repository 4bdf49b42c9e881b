package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.weights.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The scratch rows of the GPT-2 blocks run by {@link Gpt2#step}, sized once for {@link #ROWS} positions: a longer
 * prompt is run in chunks of that many, so the scratch stays small whatever the prompt's length (each position's
 * sublayers are row-wise, and attention reads the earlier chunks from the cache, so chunking changes nothing).
 */
final class StepBuffers {

    /** Positions per chunk: enough rows for the matmul's register tiles to run full. */
    static final int ROWS = 64;

    /** The residual stream of the chunk's positions. */
    final MemorySegment hidden;
    /** ln_1 or ln_2 of {@link #hidden}. */
    final MemorySegment normed;
    /** The fused q|k|v projection, {@code 3d} per row. */
    final MemorySegment qkv;
    /** Attention's output before c_proj. */
    final MemorySegment attention;
    /** A sublayer's output, before it is added to {@link #hidden}. */
    final MemorySegment sublayer;
    /** The MLP's inner activations. */
    final MemorySegment inner;
    /** What {@link Kernels#attention} asks for over the whole capacity; null when it asks for none. */
    final MemorySegment attentionScratch;
    /** Read-only views of each row of {@link #hidden}, made once, for the exit policy: a check allocates nothing. */
    final MemorySegment[] hiddenRows;
    /** The residual stream of earlier positions that stopped early, gathered to run a block they lack. */
    final MemorySegment late;
    /** The positions of the rows of {@link #late}. */
    final int[] latePositions = new int[ROWS];

    StepBuffers(ModelConfig config, Kernels kernels, int capacity, Arena arena) {
        int d = config.hidden();
        hidden = floats(arena, (long) ROWS * d);
        normed = floats(arena, (long) ROWS * d);
        qkv = floats(arena, (long) ROWS * 3 * d);
        attention = floats(arena, (long) ROWS * d);
        sublayer = floats(arena, (long) ROWS * d);
        inner = floats(arena, (long) ROWS * config.intermediate());
        long scratch = kernels.attentionScratchFloats(ROWS, capacity, config.headSize());
        attentionScratch = scratch == 0 ? null : floats(arena, scratch);
        hiddenRows = new MemorySegment[ROWS];
        long rowBytes = (long) d * Float.BYTES;
        for (int r = 0; r < ROWS; r++) hiddenRows[r] = hidden.asSlice(r * rowBytes, rowBytes).asReadOnly();
        late = floats(arena, (long) ROWS * d);
    }

    private static MemorySegment floats(Arena arena, long n) {
        return arena.allocate(n * Float.BYTES, 64);
    }
}
