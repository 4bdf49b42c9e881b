package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Overrides;
import dev.jtc.engine.tap.Site;
import dev.jtc.weights.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Set;

/**
 * A transformer that runs batches of token sequences and lets callers read (taps), replace
 * (overrides) and stop (exit policy) its computation. Implementations: {@link Gpt2}, {@link Bert}.
 *
 * <p>Thread safety: the weights are shared and read-only; each calling thread gets its own
 * workspace, so several threads may run forward passes at once. {@link #close} may come from any
 * thread at any time: it waits for the calls in flight, and later calls are refused.
 */
public interface Model extends AutoCloseable {

    ModelConfig config();

    Kernels kernels();

    default int layers() {
        return config().layers();
    }

    /** Hidden size d: the width of every per-block site. */
    default int width() {
        return config().hidden();
    }

    default int vocabSize() {
        return config().vocabSize();
    }

    default int maxPositions() {
        return config().maxPositions();
    }

    /** The sites this model can tap, in the order a forward pass reaches them within a block. */
    Set<Site> sites();

    /**
     * The sites an override may replace, each mapped to the site whose rows P multiplies
     * (e.g. GPT-2: ATTN ← LN1, MLP ← LN2, LN1 ← BLOCK_IN, LN2 ← RES1).
     */
    Map<Site, Site> overrideInputs();

    /** Starts a set of overrides for this model; P matrices are packed by its kernels. */
    default Overrides.Builder overrides() {
        return Overrides.builder(kernels(), layers(), width(), overrideInputs().keySet());
    }

    /**
     * Runs the batch through the embeddings and the blocks, calling the hooks' taps as each site is
     * computed. FINAL_NORM and LOGITS taps are served after the last block for the rows they ask for.
     *
     * @return the number of blocks computed: {@link #layers()} unless the exit policy stopped the pass
     * @throws IllegalArgumentException for a sequence longer than {@link #maxPositions()}, a token id
     *                                  outside the vocabulary, or a tap asking for a missing site or row
     */
    int forward(Batch batch, Hooks hooks);

    /**
     * The final normalisation of {@code rows} residual-stream vectors (layer L or a mapped state):
     * GPT-2 ln_f; BERT the MLM transform (dense → GELU → LayerNorm).
     */
    void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff);

    /**
     * Vocabulary logits of vectors that are already final-normed: GPT-2 {@code wte·h} (tied, no bias);
     * BERT the tied decoder plus its bias. {@code out} receives {@code rows × vocabSize} floats.
     */
    void logitsFromFinalNorm(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff);

    /**
     * The matrix of {@link #logitsFromFinalNorm}, packed by {@link #kernels()} (d inputs, vocabSize outputs), for a
     * caller that needs some of the logits exactly ({@link Kernels#column}) or screens them
     * ({@link Kernels#quantize}). Read-only; it lives as long as the model.
     */
    PackedWeights headWeights();

    /** The bias of {@link #logitsFromFinalNorm} ({@code vocabSize} floats), or null when the head has none (GPT-2). */
    MemorySegment headBias();

    /**
     * The full head of residual-stream vectors: {@link #finalNorm} then {@link #logitsFromFinalNorm}
     * (GPT-2: ln_f then wte·; BERT: the MLM head).
     */
    void logits(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff);

    /** Convenience for one vector on the heap (allocates): the full head of a d-vector. */
    default float[] logits(float[] hidden) {
        if (hidden.length != width()) {
            throw new IllegalArgumentException("hidden vector has " + hidden.length + " floats; expected " + width() + ".");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate((long) width() * Float.BYTES, 64);
            MemorySegment.copy(hidden, 0, h, ValueLayout.JAVA_FLOAT, 0, hidden.length);
            MemorySegment out = a.allocate((long) vocabSize() * Float.BYTES, 64);
            logits(h, 0, 1, out, 0);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * Frees the model's own memory, packed weights and every thread's workspace, at once: it first waits for
     * the calls in flight on other threads, and every later forward, finalNorm, logits or logitsFromFinalNorm
     * throws {@link IllegalStateException} ("this model is closed"). Idempotent. The tensor source and the kernels
     * stay with their owners, who close them after the model (several models may share them).
     *
     * @throws IllegalStateException when called from a tap or exit policy of a call of this model on the same thread
     */
    @Override
    void close();
}
