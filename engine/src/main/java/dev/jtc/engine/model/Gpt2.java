package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.Kernels.WeightLayout;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.tap.ExitPolicy;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Site;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;

import static dev.jtc.engine.model.Workspace.Buffer.ATTN_OUT;
import static dev.jtc.engine.model.Workspace.Buffer.LN;
import static dev.jtc.engine.model.Workspace.Buffer.MLP_OUT;

/**
 * GPT-2 (pre-norm) as laid out by Hugging Face: {@code wte, wpe, h.{i}.ln_1, h.{i}.attn.c_attn, h.{i}.attn.c_proj,
 * h.{i}.ln_2, h.{i}.mlp.c_fc, h.{i}.mlp.c_proj, ln_f}, with or without a {@code transformer.} prefix. Conv1D
 * weights are stored {@code [in, out]}. The LM head is the tied {@code wte}; {@code attn.bias} /
 * {@code attn.masked_bias} buffers and a separate {@code lm_head.weight} are ignored.
 *
 * <p>Block b computes the paper's seven points: {@code BLOCK_IN = h}, {@code LN1 = ln_1(h)},
 * {@code ATTN = c_proj(attn(LN1))}, {@code RES1 = h + ATTN}, {@code LN2 = ln_2(RES1)},
 * {@code MLP = c_proj(gelu(c_fc(LN2)))}, {@code BLOCK_OUT = RES1 + MLP}.
 */
public final class Gpt2 extends TransformerModel {

    private static final Set<Site> SITES = siteSet(Site.EMBED, Site.BLOCK_IN, Site.LN1,
            Site.ATTN, Site.RES1, Site.LN2, Site.MLP, Site.BLOCK_OUT, Site.FINAL_NORM, Site.LOGITS);
    private static final Map<Site, Site> OVERRIDE_INPUTS = siteInputs(
            Site.LN1, Site.BLOCK_IN,
            Site.ATTN, Site.LN1,
            Site.LN2, Site.RES1,
            Site.MLP, Site.LN2);

    private record Block(MemorySegment ln1Gamma, MemorySegment ln1Beta, PackedWeights attn, MemorySegment attnBias,
                         PackedWeights proj, MemorySegment projBias, MemorySegment ln2Gamma, MemorySegment ln2Beta,
                         PackedWeights fc, MemorySegment fcBias, PackedWeights mlpProj, MemorySegment mlpProjBias) {
    }

    private final MemorySegment wte;
    private final MemorySegment wpe;
    private final Block[] blocks;
    private final MemorySegment lnfGamma;
    private final MemorySegment lnfBeta;
    private final PackedWeights lmHead;

    private Gpt2(ModelConfig config, Kernels kernels, Arena arena, WeightReader r, String p) {
        super(config, kernels, arena, SITES, OVERRIDE_INPUTS);
        int v = config.vocabSize();
        wte = r.f32(r.first(p + "wte.weight"), v, d);
        wpe = r.f32(r.first(p + "wpe.weight"), config.maxPositions(), d);
        blocks = new Block[config.layers()];
        for (int i = 0; i < blocks.length; i++) {
            String b = p + "h." + i + ".";
            blocks[i] = new Block(
                    r.owned(b + "ln_1.weight", d), r.owned(b + "ln_1.bias", d),
                    r.matrix(b + "attn.c_attn.weight", d, 3 * d, WeightLayout.IN_OUT), r.owned(b + "attn.c_attn.bias", 3L * d),
                    r.matrix(b + "attn.c_proj.weight", d, d, WeightLayout.IN_OUT), r.owned(b + "attn.c_proj.bias", d),
                    r.owned(b + "ln_2.weight", d), r.owned(b + "ln_2.bias", d),
                    r.matrix(b + "mlp.c_fc.weight", d, inner, WeightLayout.IN_OUT), r.owned(b + "mlp.c_fc.bias", inner),
                    r.matrix(b + "mlp.c_proj.weight", inner, d, WeightLayout.IN_OUT), r.owned(b + "mlp.c_proj.bias", d));
        }
        lnfGamma = r.owned(p + "ln_f.weight", d);
        lnfBeta = r.owned(p + "ln_f.bias", d);
        // Tied head: wte is [vocab, d], i.e. a d → vocab map stored [out, in].
        lmHead = kernels.pack(wte, d, v, WeightLayout.OUT_IN, arena);
    }

    /**
     * Loads GPT-2 from a checkpoint with the vector kernels. The tensor source must stay open while the
     * model is used (unpacked tensors such as the embeddings are read from it in place).
     */
    public static Gpt2 load(TensorSource source, ModelConfig config) {
        return load(source, config, Kernels.vector());
    }

    public static Gpt2 load(TensorSource source, ModelConfig config, Kernels kernels) {
        requireArchitecture(source, config, ModelConfig.Architecture.GPT2, "GPT-2");
        String prefix = source.contains("wte.weight") ? "" : source.contains("transformer.wte.weight") ? "transformer." : null;
        if (prefix == null) {
            throw new WeightsException(source.origin() + ": not a GPT-2 checkpoint: it has neither wte.weight nor "
                    + "transformer.wte.weight.");
        }
        return inOwnArena(arena -> new Gpt2(config, kernels, arena, new WeightReader(source, arena, kernels, "GPT-2"), prefix));
    }

    @Override
    void embed(Batch batch, MemorySegment x) {
        long rowBytes = (long) d * Float.BYTES;
        for (int s = 0; s < batch.size(); s++) {
            Sequence seq = batch.sequence(s);
            long row = batch.start(s);
            for (int i = 0; i < seq.length(); i++) {
                MemorySegment.copy(wte, seq.token(i) * rowBytes, x, (row + i) * rowBytes, rowBytes);
                kernels.add(x, (row + i) * d, wpe, (long) i * d, d);
            }
        }
    }

    /** Pre-norm: each sublayer reads a LayerNorm of the residual stream {@code x} and adds its output to it. */
    @Override
    void block(int b, Batch batch, Hooks hooks, MemorySegment x, Workspace ws) {
        Block w = blocks[b];
        int n = batch.rows();
        MemorySegment ln = ws.floats(LN, (long) n * d);
        MemorySegment attnOut = ws.floats(ATTN_OUT, (long) n * d);
        MemorySegment mlpOut = ws.floats(MLP_OUT, (long) n * d);

        norm(Site.LN1, b, batch, hooks, x, ln, w.ln1Gamma, w.ln1Beta);
        attentionSublayer(b, batch, hooks, ln, attnOut, w.attn, w.attnBias, w.proj, w.projBias, true, ws);
        residual(Site.RES1, b, batch, hooks, x, attnOut);
        norm(Site.LN2, b, batch, hooks, x, ln, w.ln2Gamma, w.ln2Beta);
        mlpSublayer(b, batch, hooks, ln, mlpOut, w.fc, w.fcBias, w.mlpProj, w.mlpProjBias, ws);
        residual(Site.BLOCK_OUT, b, batch, hooks, x, mlpOut);
    }

    /** ln_f. */
    @Override
    void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff, Workspace ws, Workspace.Buffer scratch) {
        kernels.layerNorm(hidden, hiddenOff, out, outOff, rows, d, lnfGamma, lnfBeta, eps);
    }

    /** {@code wte · h}: GPT-2's tied LM head without bias, for vectors already through ln_f. */
    @Override
    void headLogits(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff) {
        kernels.matmul(normed, normedOff, d, rows, lmHead, null, out, outOff, config.vocabSize());
    }

    @Override
    public PackedWeights headWeights() {
        return lmHead;
    }

    @Override
    public MemorySegment headBias() {
        return null;
    }

    /** The LM head of residual-stream vectors: ln_f, then {@code wte·}. Same as {@link #logits}. */
    public void lmHead(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        logits(hidden, hiddenOff, rows, out, outOff);
    }

    /**
     * Runs {@code tokens} at the positions after those already in {@code cache} (the prompt when the cache is
     * empty, then each token chosen), storing their keys and values there, and writes the logits of the last of
     * them ({@code vocabSize} floats) to {@code logits} from element {@code logitsOff}. A new position attends,
     * causally, to every cached position and to the new ones up to itself, so the logits are those that
     * {@link #forward} gives the last position of the whole sequence so far, without recomputing its earlier
     * positions.
     *
     * <p>There are no taps or overrides here (the step takes no {@link Hooks}): {@link #forward} serves those.
     * Nothing is allocated; the work runs in the cache's own scratch rows.
     *
     * @throws IllegalArgumentException for no tokens, a token id outside the vocabulary, a cache without room
     *                                  for them or made for another model, or a {@code logits} segment too small
     * @throws IllegalStateException    for a closed cache
     */
    public void step(KvCache cache, int[] tokens, MemorySegment logits, long logitsOff) {
        step(cache, tokens, ExitPolicy.NEVER, logits, logitsOff);
    }

    /**
     * {@link #step(KvCache, int[], MemorySegment, long)} that may stop early. After each block but the last, the
     * exit policy is asked with the layer reached about the last new position alone (it is shown that one row:
     * {@code rows = 1}); when it answers true, no further block runs, the new positions are cached with the keys
     * and values of the blocks they ran and their residual stream at that layer, the logits are left as they were
     * (the policy makes the prediction) and the layer is returned. When it never does, this is the plain step and
     * returns L. A prompt longer than a chunk runs its earlier chunks in full: only the last one can stop.
     *
     * <p>Positions that stopped early lack the keys and values of the blocks they skipped. Until a caller supplies
     * them ({@link #fillKeysValues}), every step that is about to run one of those blocks first runs it for them,
     * from their kept state, as a full step would have (see {@link KvCache}): what a later token attends to is
     * always computed, and blocks that no later token reaches are never run.
     *
     * @return the layer the new positions reached: the policy's layer 1..L−1, or L
     * @throws IllegalArgumentException as the plain step
     * @throws IllegalStateException    for a closed cache
     */
    public int step(KvCache cache, int[] tokens, ExitPolicy exit, MemorySegment logits, long logitsOff) {
        if (tokens.length == 0) throw new IllegalArgumentException("a step needs at least one new token; got none.");
        cache.requireRoom(this, tokens.length);
        int v = config.vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= v) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at new position " + i
                        + " is outside the vocabulary of " + v + ".");
            }
        }
        if (logitsOff < 0 || logits.byteSize() / Float.BYTES - logitsOff < v) {
            throw new IllegalArgumentException("the logits segment has no room for " + v + " floats from element "
                    + logitsOff + ".");
        }
        Workspace ws = enter(); // counts the call in, so close() waits for it; the step's scratch is the cache's
        try {
            return runStep(cache, tokens, exit, logits, logitsOff);
        } finally {
            leave(ws);
        }
    }

    private int runStep(KvCache cache, int[] tokens, ExitPolicy exit, MemorySegment logits, long logitsOff) {
        StepBuffers buf = cache.buffers();
        int layers = blocks.length;
        int lastRow = 0;
        for (int from = 0; from < tokens.length; from += StepBuffers.ROWS) {
            int rows = Math.min(StepBuffers.ROWS, tokens.length - from);
            int first = cache.length();
            long rowBytes = (long) d * Float.BYTES;
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(wte, tokens[from + r] * rowBytes, buf.hidden, r * rowBytes, rowBytes);
                kernels.add(buf.hidden, (long) r * d, wpe, (long) (first + r) * d, d);
            }
            boolean lastChunk = from + rows == tokens.length;
            for (int b = 0; b < layers; b++) {
                catchUp(b, cache, buf);
                cachedBlock(b, cache, first, rows, buf);
                if (lastChunk && exit != ExitPolicy.NEVER && b + 1 < layers
                        && exit.stopAfter(b + 1, buf.hiddenRows[rows - 1], 1, d)) {
                    cache.advanceStopped(rows, b + 1, buf.hidden);
                    return b + 1;
                }
            }
            cache.advance(rows);
            lastRow = rows - 1;
        }
        kernels.layerNorm(buf.hidden, (long) lastRow * d, buf.normed, 0, 1, d, lnfGamma, lnfBeta, eps);
        logitsFromFinalNorm(buf.normed, 0, 1, logits, logitsOff);
        return layers;
    }

    /**
     * Block b for {@code rows} new positions from {@code first}: their keys and values go into the cache before
     * attention, which then reads all {@code first + rows} keys from there (the causal mask hides, from each new
     * position, the new ones after it).
     */
    private void cachedBlock(int b, KvCache cache, int first, int rows, StepBuffers buf) {
        Block w = blocks[b];
        project(w, buf.hidden, rows, buf);
        cache.store(b, first, rows, buf.qkv, 0);
        attend(b, cache, 0, rows, first + rows, buf);
        finish(w, buf.hidden, rows, buf);
    }

    /**
     * Before new positions run block b: the earlier positions that stopped after b blocks run it now, since the new
     * ones are about to attend to their keys and values there. They run in increasing position, gathered up to a
     * chunk at a time so that the matmuls read the weights once for all of them.
     */
    private void catchUp(int b, KvCache cache, StepBuffers buf) {
        int rows = 0;
        for (int i = 0; i < cache.pendingCount(); i++) {
            int position = cache.pending(i);
            if (cache.storedBlocks(position) != b) continue;
            cache.loadState(position, buf.late, rows);
            buf.latePositions[rows++] = position;
            if (rows == StepBuffers.ROWS) {
                lateBlock(b, cache, rows, buf);
                rows = 0;
            }
        }
        if (rows > 0) lateBlock(b, cache, rows, buf);
        cache.dropCompleted();
    }

    /**
     * Block b for gathered earlier positions (not contiguous): every key and value is stored before any of them
     * attends, so each, attending to the keys up to its own position, finds those of the gathered ones before it.
     */
    private void lateBlock(int b, KvCache cache, int rows, StepBuffers buf) {
        Block w = blocks[b];
        project(w, buf.late, rows, buf);
        for (int r = 0; r < rows; r++) cache.store(b, buf.latePositions[r], 1, buf.qkv, r);
        for (int r = 0; r < rows; r++) attend(b, cache, r, 1, buf.latePositions[r] + 1, buf);
        finish(w, buf.late, rows, buf);
        for (int r = 0; r < rows; r++) cache.recomputed(buf.latePositions[r], buf.late, r);
    }

    /** ln_1 and the fused q|k|v projection of {@code rows} rows of {@code hidden} into the scratch's qkv rows. */
    private void project(Block w, MemorySegment hidden, int rows, StepBuffers buf) {
        kernels.layerNorm(hidden, 0, buf.normed, 0, rows, d, w.ln1Gamma, w.ln1Beta, eps);
        kernels.matmul(buf.normed, 0, d, rows, w.attn, w.attnBias, buf.qkv, 0, 3 * d);
    }

    /**
     * Attention of the queries in qkv rows {@code row ..} ({@code rows} of them, the last {@code rows} of
     * {@code keys} positions) over block b's first {@code keys} cached keys, into the same rows of the scratch.
     */
    private void attend(int b, KvCache cache, int row, int rows, int keys, StepBuffers buf) {
        kernels.attention(buf.qkv, (long) row * 3 * d, 3 * d, cache.keys(b), 0, d, cache.values(b), 0, d, rows, keys,
                config.heads(), config.headSize(), (float) (1.0 / Math.sqrt(config.headSize())), true, keys,
                buf.attention, (long) row * d, d, buf.attentionScratch);
    }

    /** The rest of the block after attention: c_proj and the residual, then the MLP and its residual, in {@code hidden}. */
    private void finish(Block w, MemorySegment hidden, int rows, StepBuffers buf) {
        long floats = (long) rows * d;
        kernels.matmul(buf.attention, 0, d, rows, w.proj, w.projBias, buf.sublayer, 0, d);
        kernels.add(hidden, 0, buf.sublayer, 0, floats);
        kernels.layerNorm(hidden, 0, buf.normed, 0, rows, d, w.ln2Gamma, w.ln2Beta, eps);
        kernels.matmulGelu(buf.normed, 0, d, rows, w.fc, w.fcBias, buf.inner, 0, inner, config.activation());
        kernels.matmul(buf.inner, 0, inner, rows, w.mlpProj, w.mlpProjBias, buf.sublayer, 0, d);
        kernels.add(hidden, 0, buf.sublayer, 0, floats);
    }

    /**
     * Replaces the keys and values of the newest cached position ({@code cache.length() − 1}) in blocks
     * {@code fromBlock .. L−1} by those of supplied block inputs: row i of {@code blockInputs} ({@code d} floats
     * each, from element {@code inputsOff}) is taken as the input (BLOCK_IN) of block {@code fromBlock + i}. Early
     * exit needs this: a token that stops at layer ℓ never runs blocks ℓ..L−1, yet later tokens attend to its keys
     * and values there, so they are computed from estimates of those blocks' inputs, such as {@code A_{b,ℓ}·h_ℓ}.
     * Given the true block inputs, the cache holds what {@link #step} stored. Afterwards the position holds every
     * block: a position that had stopped early is no longer computed late by later steps.
     *
     * @throws IllegalArgumentException for an empty cache, a block outside {@code 0..L}, a block after those the
     *                                  position holds (which would leave a gap), or too few input rows
     * @throws IllegalStateException    for a closed cache
     */
    public void fillKeysValues(KvCache cache, int fromBlock, MemorySegment blockInputs, long inputsOff) {
        cache.requireUsableBy(this);
        int layers = blocks.length;
        if (cache.length() == 0) {
            throw new IllegalArgumentException("the KV cache holds no position yet; run a step before filling its keys and values.");
        }
        if (fromBlock < 0 || fromBlock > layers) {
            throw new IllegalArgumentException("keys and values can be filled from block 0 to " + layers
                    + " (none); asked from block " + fromBlock + ".");
        }
        long needed = (long) (layers - fromBlock) * d;
        if (inputsOff < 0 || blockInputs.byteSize() / Float.BYTES - inputsOff < needed) {
            throw new IllegalArgumentException("filling blocks " + fromBlock + ".." + (layers - 1) + " needs "
                    + (layers - fromBlock) + " block inputs of " + d + " floats from element " + inputsOff
                    + "; the segment is too small.");
        }
        int position = cache.length() - 1;
        int stored = cache.storedBlocks(position);
        if (fromBlock > stored) {
            throw new IllegalArgumentException("position " + position + " holds the keys and values of blocks 0.."
                    + (stored - 1) + " only; fill them from block " + stored + " or before, not from block " + fromBlock + ".");
        }
        StepBuffers buf = cache.buffers();
        Workspace ws = enter();
        try {
            for (int b = fromBlock; b < layers; b++) {
                Block w = blocks[b];
                kernels.layerNorm(blockInputs, inputsOff + (long) (b - fromBlock) * d, buf.normed, 0, 1, d,
                        w.ln1Gamma, w.ln1Beta, eps);
                // The fused projection also computes a query nobody reads: a third more work on one row, against
                // packing the key and value columns a second time.
                kernels.matmul(buf.normed, 0, d, 1, w.attn, w.attnBias, buf.qkv, 0, 3 * d);
                cache.store(b, position, 1, buf.qkv, 0);
            }
            cache.filled(position);
        } finally {
            leave(ws);
        }
    }
}
