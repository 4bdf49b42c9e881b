package dev.jtc.bench.models;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Jlama's GPT-2 driven as its own {@code generate} drives it, minus tokenizing and streaming text: the prompt in one
 * {@code batchForward}, each later token in one {@code forward} at its position, both into Jlama's KV buffer, and
 * the next token chosen greedily by {@code sample} (ln_f, the tied head over the whole vocabulary, arg-max), which
 * leaves the raw logits in {@link #logits()}.
 */
final class JlamaGpt2 implements AutoCloseable {

    private final AbstractModel model;
    private final KvBufferCache caches;
    private final AbstractTensor logits;

    private JlamaGpt2(AbstractModel model) {
        this.model = model;
        caches = new KvBufferCache(model);
        logits = model.makeDenseTensor(1, model.getConfig().vocabularySize);
    }

    static JlamaGpt2 load(Path directory) {
        return new JlamaGpt2(JlamaModels.load(directory, AbstractModel.InferenceType.FULL_GENERATION));
    }

    /** An empty KV buffer for one sequence; the caller closes it. */
    KvBufferCache.KvBuffer newCache() {
        return caches.getEphemeralKvBuffer();
    }

    /** Runs {@code tokens} from position 0 into {@code cache}; returns the greedy next token. */
    int prefill(KvBufferCache.KvBuffer cache, int[] tokens) {
        try (AbstractTensor hidden = model.batchForward(tokens, 0, cache)) {
            return model.sample(hidden.slice(tokens.length - 1), 0f, 0f, logits);
        }
    }

    /** Runs one token at {@code position} against the {@code position} cached ones; returns the greedy next token. */
    int decode(KvBufferCache.KvBuffer cache, int token, int position) {
        try (AbstractTensor hidden = model.forward(token, position, cache, Optional.empty())) {
            return model.sample(hidden, 0f, 0f, logits);
        }
    }

    int vocabSize() {
        return model.getConfig().vocabularySize;
    }

    /** The logits of the latest prefill or decode. */
    float[] logits() {
        int v = vocabSize();
        float[] out = new float[v];
        for (int i = 0; i < v; i++) out[i] = logits.get(0, i);
        return out;
    }

    @Override
    public void close() {
        logits.close();
        caches.close();
        model.close();
    }
}
