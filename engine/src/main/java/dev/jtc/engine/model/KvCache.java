package dev.jtc.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

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
 *
 * <p>A step with an exit policy may stop before the last block: its new positions then hold the keys and values of
 * the blocks they ran only, and the cache keeps their residual stream at that layer (one more {@code capacity × d}
 * matrix). Such a position is <em>pending</em> until it holds every block again: either a caller supplies the rest
 * ({@link Gpt2#fillKeysValues}), or a later step that reaches a block it lacks computes that block for it first, from
 * the kept state, exactly as a full step would have ({@link #blocksStored}, {@link #recomputedBlocks}). No step ever
 * attends to keys or values that were never computed.
 */
public final class KvCache implements AutoCloseable {

    private final Gpt2 model;
    private final int capacity;
    private final int d;
    private final Arena arena;
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final StepBuffers buffers;
    /** Row p: position p's residual stream after {@code blocksStored[p]} blocks, while p is pending. */
    private final MemorySegment states;
    private final int[] blocksStored;
    /** The pending positions in increasing order: {@code pending[0 .. pendingCount)}. */
    private final int[] pending;
    private int pendingCount;
    private long recomputedBlocks;
    private int length;

    private KvCache(Gpt2 model, int capacity) {
        this.model = model;
        this.capacity = capacity;
        this.d = model.width();
        int blocks = model.layers();
        blocksStored = new int[capacity];
        pending = new int[capacity];
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
            states = arena.allocate(bytes, 64);
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
     * {@link Model#maxPositions()}: its memory is {@code (2 · blocks + 1) · capacity · d} floats (the keys, the values,
     * and the states kept for positions that stop early).
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

    /**
     * How many blocks hold position {@code position}'s keys and values: the model's L, unless the position stopped
     * early and no later step has needed its missing blocks yet (blocks {@code 0 .. blocksStored − 1} are held).
     *
     * @throws IllegalArgumentException for a position not cached
     */
    public int blocksStored(int position) {
        requireCached(position);
        return blocksStored[position];
    }

    /**
     * How many (position, block) pairs steps have computed for positions that had stopped early, since the cache was
     * made: the work the early exits deferred and later tokens needed after all.
     */
    public long recomputedBlocks() {
        return recomputedBlocks;
    }

    /**
     * Copies the residual stream of a pending position, as it was after its {@link #blocksStored} blocks
     * ({@code d} floats), to {@code out} from element {@code outOff}: the state from which its missing keys and
     * values may be estimated.
     *
     * @throws IllegalArgumentException for a position not cached or not pending, or an {@code out} too small
     */
    public void copyState(int position, MemorySegment out, long outOff) {
        requireCached(position);
        if (blocksStored[position] == model.layers()) {
            throw new IllegalArgumentException("position " + position + " ran every block; only a position that stopped "
                    + "early keeps its state.");
        }
        if (outOff < 0 || out.byteSize() / Float.BYTES - outOff < d) {
            throw new IllegalArgumentException("a state of " + d + " floats does not fit in the segment from element "
                    + outOff + ".");
        }
        MemorySegment.copy(states, (long) position * d * Float.BYTES, out, outOff * Float.BYTES, (long) d * Float.BYTES);
    }

    /**
     * A copy of position {@code position}'s key ({@code d} floats, heads side by side) in block {@code block}, for
     * inspection.
     *
     * @throws IllegalArgumentException for a position not cached or a block it does not hold
     */
    public float[] key(int block, int position) {
        return row(keys, block, position);
    }

    /** A copy of position {@code position}'s value in block {@code block}; see {@link #key}. */
    public float[] value(int block, int position) {
        return row(values, block, position);
    }

    private float[] row(MemorySegment[] matrices, int block, int position) {
        requireCached(position);
        if (block < 0 || block >= blocksStored[position]) {
            throw new IllegalArgumentException("position " + position + " holds the keys and values of blocks 0.."
                    + (blocksStored[position] - 1) + "; asked for block " + block + ".");
        }
        long rowBytes = (long) d * Float.BYTES;
        return matrices[block].asSlice(position * rowBytes, rowBytes).toArray(ValueLayout.JAVA_FLOAT);
    }

    private void requireCached(int position) {
        if (!arena.scope().isAlive()) throw new IllegalStateException("this KV cache is closed.");
        if (position < 0 || position >= length) {
            throw new IllegalArgumentException("position " + position + " is not cached; the cache holds positions 0.."
                    + (length - 1) + ".");
        }
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
     * Copies the key and value columns of {@code rows} rows of a fused q|k|v buffer (row stride 3d) from row
     * {@code firstRow} into block {@code block}'s rows {@code position ..}.
     */
    void store(int block, int position, int rows, MemorySegment qkv, int firstRow) {
        long rowBytes = (long) d * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            long src = (long) (firstRow + r) * 3 * rowBytes;
            long dst = (long) (position + r) * rowBytes;
            MemorySegment.copy(qkv, src + rowBytes, keys[block], dst, rowBytes);
            MemorySegment.copy(qkv, src + 2 * rowBytes, values[block], dst, rowBytes);
        }
    }

    /** Counts {@code rows} more positions as cached, once every block has stored them. */
    void advance(int rows) {
        Arrays.fill(blocksStored, length, length + rows, model.layers());
        length += rows;
    }

    /**
     * Counts {@code rows} more positions as cached that stopped after {@code layer} blocks, keeping their residual
     * stream, rows {@code 0 .. rows − 1} of {@code hidden}, until they hold every block.
     */
    void advanceStopped(int rows, int layer, MemorySegment hidden) {
        long rowBytes = (long) d * Float.BYTES;
        MemorySegment.copy(hidden, 0, states, length * rowBytes, rows * rowBytes);
        for (int r = 0; r < rows; r++) {
            blocksStored[length + r] = layer;
            pending[pendingCount++] = length + r;
        }
        length += rows;
    }

    int pendingCount() {
        return pendingCount;
    }

    /** The i-th pending position, in increasing order. */
    int pending(int i) {
        return pending[i];
    }

    int storedBlocks(int position) {
        return blocksStored[position];
    }

    /** Copies pending position {@code position}'s kept state into row {@code row} of {@code rows} (d floats a row). */
    void loadState(int position, MemorySegment rows, int row) {
        long rowBytes = (long) d * Float.BYTES;
        MemorySegment.copy(states, position * rowBytes, rows, row * rowBytes, rowBytes);
    }

    /**
     * Keeps row {@code row} of {@code rows} as position {@code position}'s state after one more block computed late,
     * and counts that block.
     */
    void recomputed(int position, MemorySegment rows, int row) {
        long rowBytes = (long) d * Float.BYTES;
        MemorySegment.copy(rows, row * rowBytes, states, position * rowBytes, rowBytes);
        blocksStored[position]++;
        recomputedBlocks++;
    }

    /** Forgets the pending positions that hold every block again (left in the list while it was being walked). */
    void dropCompleted() {
        int kept = 0;
        for (int i = 0; i < pendingCount; i++) {
            if (blocksStored[pending[i]] < model.layers()) pending[kept++] = pending[i];
        }
        pendingCount = kept;
    }

    /** Counts position {@code position} as holding every block, its missing keys and values supplied by a caller. */
    void filled(int position) {
        if (blocksStored[position] < model.layers()) {
            blocksStored[position] = model.layers();
            removePending(position);
        }
    }

    private void removePending(int position) {
        int i = Arrays.binarySearch(pending, 0, pendingCount, position);
        System.arraycopy(pending, i + 1, pending, i, pendingCount - i - 1);
        pendingCount--;
    }
}
