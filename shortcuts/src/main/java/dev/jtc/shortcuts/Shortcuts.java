package dev.jtc.shortcuts;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.model.Predictions;
import dev.jtc.engine.model.TokenScore;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.ShortcutExit;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.ModelConfig;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * jtc for a JVM service: a model, its tokenizer and its fitted shortcut maps, loaded once and called from any
 * number of threads, each call a forward pass that stops where an {@link ExitRule} says.
 * <pre>{@code
 * try (Shortcuts jtc = Shortcuts.load("bert-base-uncased", Path.of("runs/bert-base-uncased-europarl-en-0/maps.safetensors"))) {
 *     Prediction p = jtc.predictMasked("the capital of france is [MASK] .", ExitRule.paper(0.6));
 *     System.out.println(p.tokens().getFirst() + " after " + p.exitLayer() + " of " + p.blocks() + " blocks");
 * }
 * }</pre>
 *
 * <p>Threads: the weights and maps are shared and read-only; each call borrows the scratch of one exit check (d + V
 * floats) from a lock-free pool and returns it, so memory grows with the number of calls running at once, never
 * with the number of threads that ever called. There is no lock on the path of a call. {@link #close()} refuses
 * new calls, waits for the running ones, then frees the model's packed weights, the maps and the scratch; a call
 * after it gets an {@link IllegalStateException}.
 */
public final class Shortcuts implements AutoCloseable {

    /** Tokens listed in a {@link Prediction}. */
    public static final int TOP_K = 10;

    private final Checkpoint checkpoint;
    private final Model model;
    private final Tokenizer tokenizer;
    private final ExitMaps maps;
    private final Arena scratch = Arena.ofShared();
    private final ConcurrentLinkedQueue<ShortcutExit> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closed;
    private final boolean bert;
    private final int mask;

    private Shortcuts(Checkpoint checkpoint, Model model, Tokenizer tokenizer, ExitMaps maps) {
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.maps = maps;
        this.bert = model.config().architecture() == ModelConfig.Architecture.BERT;
        this.mask = bert ? tokenizer.tokenId("[MASK]") : -1;
    }

    /**
     * Loads {@code model} (a built-in id, a Hugging Face id or directory, as {@code jtc} takes it) and the maps a
     * {@code jtc fit} of that model wrote. Maps of another model are refused in one sentence.
     */
    public static Shortcuts load(String model, Path maps) {
        Checkpoint checkpoint = Checkpoint.open(model);
        Model m = null;
        try {
            m = Models.load(checkpoint.tensors(), checkpoint.config());
            Tokenizer tokenizer = Tokenizers.load(TokenizerFiles.locate(model));
            return new Shortcuts(checkpoint, m, tokenizer, ExitMaps.load(m, model, maps));
        } catch (RuntimeException e) {
            if (m != null) m.close();
            checkpoint.close();
            throw e;
        }
    }

    /** BERT: the tokens for the one {@code [MASK]} of {@code text}, with the pass stopped as {@code rule} says. */
    public Prediction predictMasked(String text, ExitRule rule) {
        if (!bert) throw new IllegalArgumentException("predictMasked needs a BERT model; this one is GPT-2: use nextToken.");
        return predictMasked(encode(text).ids(), rule);
    }

    /**
     * BERT: the tokens for the one {@code [MASK]} among the token ids {@code ids} (with {@code [CLS]} and {@code [SEP]},
     * as the model's tokenizer gives them), for a service that tokenizes the text itself.
     */
    public Prediction predictMasked(int[] ids, ExitRule rule) {
        if (!bert) throw new IllegalArgumentException("predictMasked needs a BERT model; this one is GPT-2: use nextToken.");
        if (ids.length > model.maxPositions()) {
            throw new IllegalArgumentException(ids.length + " token ids are more than the model's " + model.maxPositions() + " positions.");
        }
        int position = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != mask) continue;
            if (position >= 0) throw new IllegalArgumentException("the text has more than one [MASK]; predictMasked fills exactly one.");
            position = i;
        }
        if (position < 0) throw new IllegalArgumentException("the text has no [MASK]; e.g. \"the capital of france is [MASK] .\"");
        return predict(rule, ids, position);
    }

    /** GPT-2: the token after {@code text}, with the pass stopped as {@code rule} says. */
    public Prediction nextToken(String text, ExitRule rule) {
        return nextToken(encode(text).ids(), rule);
    }

    /** GPT-2: the token after the token ids {@code ids}, with the pass stopped as {@code rule} says. */
    public Prediction nextToken(int[] ids, ExitRule rule) {
        if (bert) throw new IllegalArgumentException("nextToken needs a GPT-2 model; this one is BERT: use predictMasked.");
        if (ids.length == 0) throw new IllegalArgumentException("nextToken needs at least one token id.");
        if (ids.length > model.maxPositions()) {
            throw new IllegalArgumentException(ids.length + " token ids are more than the model's " + model.maxPositions() + " positions.");
        }
        return predict(rule, ids, ids.length - 1);
    }

    private Encoding encode(String text) {
        return ModelInput.encode(tokenizer, model, text, "the text");
    }

    private Prediction predict(ExitRule rule, int[] ids, int row) {
        running.incrementAndGet();
        try {
            if (closed) throw new IllegalStateException("these shortcuts are closed: load them again to predict.");
            ShortcutExit exit = idle.poll();
            if (exit == null) exit = new ShortcutExit(maps, scratch);
            try {
                long started = System.nanoTime();
                ShortcutExit.Outcome o = exit.run(rule, ids, row);
                List<TokenScore> top = Predictions.topK(o.logits(), 0, model.vocabSize(), TOP_K);
                Duration time = Duration.ofNanos(System.nanoTime() - started);
                List<String> tokens = new ArrayList<>(top.size());
                for (TokenScore s : top) tokens.add(bert ? tokenizer.token(s.token()) : tokenizer.decode(new int[]{s.token()}));
                return new Prediction(top, tokens, o.exitLayer(), model.layers(), time);
            } finally {
                idle.add(exit);
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /** The model the shortcuts run (shared; do not close it yourself). */
    public Model model() {
        return model;
    }

    /** Refuses new calls, waits for the running ones, then frees the model, the maps and every call's scratch. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        while (running.get() > 0) Thread.onSpinWait();
        maps.close();
        model.close();
        checkpoint.close();
        scratch.close();
    }
}
