package dev.jtc.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The keys and values of one GPT-2 sequence's positions in every block, so that each new token attends to the
 * earlier ones without recomputing them: what {@link Gpt2#step} reads and extends. One cache per generated
 * sequence, owned by its caller and used by one thread at a time; {@link #close} releases its memory.
 *
 * <p>Block b's keys and values are two {@code capacity × d} row-major matrices (heads side by side, as the fused
 * q|k|v projection writes them), so position p's row is what attention reads as key p. The memory comes from a
 * shared arena because the vector kernels hand attention over it to their worker threads, which cannot read a
 * confined segment. It also holds the scratch rows of the steps run against it ({@link StepBuffers}), so a step
 * needs no per-thread workspace and allocates nothing.
 */
public final class KvCache implements AutoCloseable {

    private final Gpt2 model;
    private final int capacity;
    private final int d;
    private final Arena arena;
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final StepBuffers buffers;
    private int length;

    private KvCache(Gpt2 model, int capacity) {
        this.model = model;
        this.capacity = capacity;
        this.d = model.width();
        int blocks = model.layers();
        arena = Arena.ofShared();
        try {
            keys = new MemorySegment[blocks];
            values = new MemorySegment[blocks];
            long bytes = (long) capacity * d * Float.BYTES;
            for (int b = 0; b < blocks; b++) {
                keys[b] = arena.allocate(bytes, 64);
                values[b] = arena.allocate(bytes, 64);
            }
            buffers = new StepBuffers(model.config(), model.kernels(), capacity, arena);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** A cache for up to the model's {@link Model#maxPositions()} positions. */
    public static KvCache of(Gpt2 model) {
        return new KvCache(model, model.maxPositions());
    }

    /**
     * A cache for up to {@code capacity} positions (prompt plus generated tokens), at most the model's
     * {@link Model#maxPositions()}: its memory is {@code 2 · blocks · capacity · d} floats.
     */
    public static KvCache of(Gpt2 model, int capacity) {
        if (capacity < 1 || capacity > model.maxPositions()) {
            throw new IllegalArgumentException("a KV cache holds 1 to the model's " + model.maxPositions()
                    + " positions; asked for " + capacity + ".");
        }
        return new KvCache(model, capacity);
    }

    /** How many positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** How many positions are cached: the next token runs at position {@code length()}. */
    public int length() {
        return length;
    }

    /** Releases the cache's memory; using it afterwards is refused. */
    @Override
    public void close() {
        arena.close();
    }

    /**
     * Refuses a step of {@code tokens} new positions that this cache cannot take for {@code caller}: a cache of
     * another model, a closed cache, or one without room, each in one sentence.
     */
    void requireRoom(Gpt2 caller, int tokens) {
        requireUsableBy(caller);
        if (tokens > capacity - length) {
            throw new IllegalArgumentException(tokens + " new tokens after the " + length + " cached positions need "
                    + (length + tokens) + " positions, more than the KV cache's capacity of " + capacity + ".");
        }
    }

    /** Refuses a closed cache, or one of another model, in one sentence. */
    void requireUsableBy(Gpt2 caller) {
        if (caller != model) throw new IllegalArgumentException("this KV cache was made for another model.");
        if (!arena.scope().isAlive()) throw new IllegalStateException("this KV cache is closed.");
    }

    StepBuffers buffers() {
        return buffers;
    }

    /** Block b's keys: row p is key p, for the {@link #length()} cached positions (and any being computed). */
    MemorySegment keys(int block) {
        return keys[block];
    }

    MemorySegment values(int block) {
        return values[block];
    }

    /**
     * Copies the key and value columns of {@code rows} rows of a fused q|k|v buffer (row stride 3d) into block
     * {@code block}'s rows {@code position ..}.
     */
    void store(int block, int position, int rows, MemorySegment qkv) {
        long rowBytes = (long) d * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            long src = (long) r * 3 * rowBytes;
            long dst = (long) (position + r) * rowBytes;
            MemorySegment.copy(qkv, src + rowBytes, keys[block], dst, rowBytes);
            MemorySegment.copy(qkv, src + 2 * rowBytes, values[block], dst, rowBytes);
        }
    }

    /** Counts {@code rows} more positions as cached, once every block has stored them. */
    void advance(int rows) {
        length += rows;
    }
}
