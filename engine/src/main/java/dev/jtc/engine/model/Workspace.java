package dev.jtc.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Set;

/**
 * Off-heap scratch buffers of one thread's calls into one model, each named by what it holds. A buffer grows
 * when a call needs more floats than it has and is reused otherwise, so steady-state calls of one size allocate
 * nothing.
 *
 * <p>Each buffer lives in an arena of its own, shared (the kernel team's threads work on it) and closed the
 * moment the buffer is no longer wanted rather than whenever the GC gets to it:
 * <ul>
 * <li>when a thread's outermost call into the model ends with more than {@code retainedBytes} held, the largest
 *     buffers are closed until the rest fit: a thread that once ran a 512-token LOGITS pass does not keep its
 *     logits for life (a workload whose every pass is that large allocates those buffers once per pass);</li>
 * <li>when the model is closed, it closes the memory of every thread's workspace ({@link Memory}, registered
 *     with the model when the workspace is made);</li>
 * <li>when the thread dies first, its workspace becomes unreachable with it, and a cleaner closes the arenas.</li>
 * </ul>
 */
final class Workspace {

    /** What each buffer holds. */
    enum Buffer {
        /** The residual stream of every row of the batch: the embeddings, then each block's output. */
        RESIDUAL,
        /** GPT-2: the LayerNorm a sublayer reads (LN1, then LN2). */
        LN,
        /** The fused query | key | value projection. */
        QKV,
        /** The heads' attention outputs side by side, before the output projection. */
        HEADS,
        /** The attention sublayer's output (the ATTN point). */
        ATTN_OUT,
        /** The MLP's inner activations, before and after GELU. */
        MLP_INNER,
        /** The MLP sublayer's output (the MLP point). */
        MLP_OUT,
        /** What the attention kernel asks for as scratch. */
        ATTENTION_SCRATCH,
        /** The rows a FINAL_NORM or LOGITS tap chose, gathered from the residual stream. */
        HEAD_IN,
        /** Those rows final-normed. */
        HEAD_NORMED,
        /** Their vocabulary logits. */
        HEAD_LOGITS,
        /** BERT's MLM transform inside the head taps' final norm. */
        HEAD_TRANSFORM,
        /** The final norm inside a caller's {@code logits} call (which may come from a tap, mid-pass). */
        CALLER_NORMED,
        /** BERT's MLM transform inside a caller's {@code finalNorm} or {@code logits} call. */
        CALLER_TRANSFORM
    }

    /**
     * 16 MiB: every buffer of a gpt2 (d = 768) pass of about 450 tokens (12·d floats a token), or of a 32-sequence
     * batch's last-token logits; not a long pass's logits of every row (512 × 50257 floats, 103 MB).
     */
    static final long RETAINED_BYTES = 16L << 20;

    private static final Buffer[] BUFFERS = Buffer.values();
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jtc-workspace-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final MemorySegment[] buffers = new MemorySegment[BUFFERS.length];
    private final Memory memory;
    private final long retainedBytes;
    private int[] intBuffer = new int[0];
    private long heldBytes;
    private long allocations;
    private int depth;

    /** A workspace whose memory {@code live} holds until it is closed, keeping {@code retainedBytes} between calls. */
    Workspace(Set<Memory> live, long retainedBytes) {
        this.memory = new Memory(live);
        this.retainedBytes = retainedBytes;
        live.add(memory);
        CLEANER.register(this, memory);
    }

    /** A segment of at least {@code floats} floats for {@code buffer}; contents are left from earlier use. */
    MemorySegment floats(Buffer buffer, long floats) {
        int i = buffer.ordinal();
        MemorySegment s = buffers[i];
        long bytes = floats * Float.BYTES;
        if (s == null || s.byteSize() < bytes) {
            // 64-byte alignment lets vector kernels load whole cache lines.
            long size = Math.max(bytes, 64);
            heldBytes += size - (s == null ? 0 : s.byteSize());
            s = memory.replace(buffer, size);
            buffers[i] = s;
            allocations++;
        }
        return s;
    }

    /** An int array of at least {@code n} entries, reused between passes. */
    int[] ints(int n) {
        if (intBuffer.length < n) intBuffer = new int[n];
        return intBuffer;
    }

    /** A call of the model begins on this thread (calls nest when a tap calls {@code logits}). */
    void enter() {
        depth++;
    }

    /** A call ends; the outermost one gives back what exceeds the retained bytes. */
    void leave() {
        if (--depth == 0 && heldBytes > retainedBytes) shrink();
    }

    /** Whether a call of the model is running on this thread (close() must not free its buffers under it). */
    boolean busy() {
        return depth > 0;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** How many buffers were allocated or grown so far: constant in a steady state. */
    long allocations() {
        return allocations;
    }

    /** Closes the largest buffers until the rest fit in the retained bytes. */
    private void shrink() {
        while (heldBytes > retainedBytes) {
            int largest = 0;
            for (int i = 1; i < buffers.length; i++) {
                if (size(i) > size(largest)) largest = i;
            }
            heldBytes -= size(largest);
            buffers[largest] = null;
            memory.close(BUFFERS[largest]);
        }
    }

    private long size(int i) {
        return buffers[i] == null ? 0 : buffers[i].byteSize();
    }

    /**
     * The arenas of one workspace, kept apart from it so that the cleaner can close them once the workspace is
     * unreachable. Synchronized because the model's close() or the cleaner's thread may close what the owner
     * thread opened; the owner only comes here to grow or shrink a buffer, never on a steady-state call.
     */
    static final class Memory implements Runnable {
        private final Arena[] arenas = new Arena[BUFFERS.length];
        private final Set<Memory> live;

        private Memory(Set<Memory> live) {
            this.live = live;
        }

        /** A fresh segment of {@code bytes} for {@code buffer}; the buffer's previous arena is closed. */
        synchronized MemorySegment replace(Buffer buffer, long bytes) {
            close(buffer);
            Arena a = Arena.ofShared();
            arenas[buffer.ordinal()] = a;
            return a.allocate(bytes, 64);
        }

        synchronized void close(Buffer buffer) {
            Arena a = arenas[buffer.ordinal()];
            if (a != null) a.close();
            arenas[buffer.ordinal()] = null;
        }

        /** Closes every buffer and leaves the model's registry; idempotent (the model and the cleaner may both call). */
        @Override
        public synchronized void run() {
            for (Buffer b : BUFFERS) close(b);
            live.remove(this);
        }
    }
}
