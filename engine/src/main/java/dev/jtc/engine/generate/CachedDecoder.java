package dev.jtc.engine.generate;

import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The plain decoder: every token runs every block, against a {@link KvCache} of its own. */
final class CachedDecoder implements Decoder {

    private final Gpt2 model;
    private final KvCache cache;
    private final Arena arena;
    private final MemorySegment logits;

    CachedDecoder(Gpt2 model, int positions) {
        this.model = model;
        // Shared, so the LM head's matmul may use the kernels' worker threads on the logits.
        arena = Arena.ofShared();
        try {
            logits = arena.allocate((long) model.vocabSize() * Float.BYTES, 64);
            cache = KvCache.of(model, positions);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public int run(int[] tokens) {
        model.step(cache, tokens, logits, 0);
        return model.layers();
    }

    @Override
    public MemorySegment logits() {
        return logits;
    }

    @Override
    public void close() {
        try {
            cache.close();
        } finally {
            arena.close();
        }
    }
}
