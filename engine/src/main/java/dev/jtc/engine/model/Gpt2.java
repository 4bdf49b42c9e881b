package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.Kernels.WeightLayout;
import dev.jtc.engine.kernels.PackedWeights;
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

    /** The LM head of residual-stream vectors: ln_f, then {@code wte·}. Same as {@link #logits}. */
    public void lmHead(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        logits(hidden, hiddenOff, rows, out, outOff);
    }
}
