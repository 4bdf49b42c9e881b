package dev.jtc.shortcuts.exit;

import dev.jtc.engine.generate.Decoder;
import dev.jtc.engine.generate.Generator;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;
import dev.jtc.shortcuts.mappings.Mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One GPT-2 sequence decoded under an early exit: each token runs against a {@link KvCache} until the exit rule
 * fires for it ({@link ShortcutExit}, the same decision as the true exit of one pass, with t = the token's position),
 * and the next token is chosen from the logits decoded there; a token the rule never stops runs every block and the
 * model's head decides. A token that stopped at layer ℓ then gets its keys and values of blocks ℓ..L−1 as
 * {@link KvFill} says. The prompt runs as one step, under the rule for its last token, whose state predicts the
 * first new token; should the rule stop it there, the prompt's other tokens are given, not chosen, and get no
 * estimate: their missing blocks run, exactly, when a later token first reaches them.
 *
 * <p>{@link #run} is one decode step on its own (what a benchmark times); {@link #generator} drives whole
 * generations. One decoder per sequence and thread; {@link #close} frees its cache and scratch.
 */
public final class ExitDecoder implements Decoder {

    private final Gpt2 model;
    private final ExitRule rule;
    private final KvFill fill;
    private final Arena arena;
    private final KvCache cache;
    private final ShortcutExit exit;
    private final MemorySegment fullLogits;
    /** The inputs of the blocks a token skipped, estimated from its state there: (L − 1) rows of d floats at most. */
    private final MemorySegment skippedInputs;
    private MemorySegment logits;

    /**
     * A decoder for a sequence of up to {@code positions} positions, deciding with {@code rule} through
     * {@code maps} (which must be a GPT-2's) and filling skipped keys and values by {@code fill}.
     *
     * @throws IllegalArgumentException for maps of a BERT model, a rule whose mapping these maps do not implement, a
     *                                  fixed exit beyond the model's blocks, block maps of another model, or a number
     *                                  of positions the model does not have
     */
    public ExitDecoder(ExitMaps maps, ExitRule rule, KvFill fill, int positions) {
        Gpt2 gpt2 = gpt2(maps);
        if (rule.mapping() != Mapping.ID && rule.mapping() != maps.fitted()) {
            throw new IllegalArgumentException("the exit rule decodes through " + rule.mapping().key() + ", but these maps implement "
                    + maps.fitted().key() + ".");
        }
        if (rule instanceof ExitRule.Fixed f && f.layer() > gpt2.layers()) {
            throw new IllegalArgumentException("a fixed exit after " + f.layer() + " blocks is beyond the model's "
                    + gpt2.layers() + " blocks; give a layer from 1 to " + gpt2.layers() + ".");
        }
        if (fill instanceof KvFill.Maps m && m.maps().model() != gpt2) {
            throw new IllegalArgumentException("the block maps of the maps fill were loaded for another model.");
        }
        this.model = gpt2;
        this.rule = rule;
        this.fill = fill;
        int d = gpt2.width();
        arena = Arena.ofShared();
        try {
            fullLogits = arena.allocate((long) gpt2.vocabSize() * Float.BYTES, 64);
            skippedInputs = arena.allocate((long) Math.max(1, gpt2.layers() - 1) * d * Float.BYTES, 64);
            exit = new ShortcutExit(maps, arena);
            cache = KvCache.of(gpt2, positions);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Generation of whole texts under {@code rule}, each in a decoder of its own; the generation's
     * {@link dev.jtc.engine.generate.Generation#layers layers} are the exit layers (L where the rule never fired).
     */
    public static Generator generator(ExitMaps maps, ExitRule rule, KvFill fill, Sampler sampler) {
        return new Generator(gpt2(maps), sampler, positions -> new ExitDecoder(maps, rule, fill, positions));
    }

    private static Gpt2 gpt2(ExitMaps maps) {
        if (maps.model() instanceof Gpt2 gpt2) return gpt2;
        throw new IllegalArgumentException("generation with an early exit needs GPT-2; these maps are of a "
                + maps.model().config().architecture() + " model.");
    }

    /**
     * Runs {@code tokens} after those already run (the prompt, then one chosen token at a time) and returns the layer
     * where the last of them stopped: where the rule fired, or L. {@link #logits} then holds the prediction.
     *
     * @throws IllegalArgumentException as {@link Gpt2#step}
     */
    @Override
    public int run(int[] tokens) {
        int newest = cache.length() + tokens.length - 1;
        int layer = model.step(cache, tokens, exit.forStep(rule, newest), fullLogits, 0);
        if (layer == model.layers()) {
            logits = fullLogits;
        } else {
            logits = exit.exitLogits();
            supplyKeysValues(newest, layer);
        }
        return layer;
    }

    /** The skipped blocks' keys and values of the token at {@code position}, which stopped at {@code layer}. */
    private void supplyKeysValues(int position, int layer) {
        int d = model.width();
        switch (fill) {
            case KvFill.Recompute r -> {
                // Nothing now: the next step that reaches one of these blocks runs it for this position first.
            }
            case KvFill.Copy c -> {
                cache.copyState(position, skippedInputs, 0);
                long rowBytes = (long) d * Float.BYTES;
                for (int b = layer + 1; b < model.layers(); b++) {
                    MemorySegment.copy(skippedInputs, 0, skippedInputs, (b - layer) * rowBytes, rowBytes);
                }
                model.fillKeysValues(cache, layer, skippedInputs, 0);
            }
            case KvFill.Maps m -> {
                cache.copyState(position, skippedInputs, 0);
                m.maps().estimateInputs(layer, skippedInputs);
                model.fillKeysValues(cache, layer, skippedInputs, 0);
            }
        }
    }

    /** The logits the next token is chosen from, after the last {@link #run}: the exit layer's, or the model's head's. */
    @Override
    public MemorySegment logits() {
        return logits;
    }

    /** The cache, for inspection ({@link KvCache#blocksStored}, {@link KvCache#recomputedBlocks}, keys and values). */
    public KvCache cache() {
        return cache;
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
