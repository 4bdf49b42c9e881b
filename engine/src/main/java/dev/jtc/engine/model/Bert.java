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
import static dev.jtc.engine.model.Workspace.Buffer.MLP_OUT;

/**
 * BERT (post-norm) with its masked-language-model head, from Hugging Face safetensors or Google's
 * TensorFlow checkpoint (see {@link BertNames}).
 *
 * <p>Embeddings: {@code EMBED = LayerNorm(word[tok] + position[i] + type[seg])}. Block b:
 * {@code BLOCK_IN = h}; {@code ATTN = dense(attn(h))}; {@code RES1 = h + ATTN};
 * {@code ATTN_NORM = LayerNorm(RES1)}; {@code MLP = dense(gelu(dense(ATTN_NORM)))};
 * {@code RES2 = ATTN_NORM + MLP}; {@code BLOCK_OUT = LayerNorm(RES2)} (the encoder layer's output).
 * MLM head: dense → GELU → LayerNorm ({@code FINAL_NORM}) → tied decoder + bias ({@code LOGITS}).
 * Padding positions (at or after {@link Sequence#attended()}) are excluded as keys, which matches
 * TensorFlow's additive −10000 mask exactly in float32.
 */
public final class Bert extends TransformerModel {

    private static final Set<Site> SITES = siteSet(Site.EMBED, Site.BLOCK_IN, Site.ATTN,
            Site.RES1, Site.ATTN_NORM, Site.MLP, Site.RES2, Site.BLOCK_OUT, Site.FINAL_NORM, Site.LOGITS);
    private static final Map<Site, Site> OVERRIDE_INPUTS = siteInputs(
            Site.ATTN, Site.BLOCK_IN,
            Site.ATTN_NORM, Site.RES1,
            Site.MLP, Site.ATTN_NORM,
            Site.BLOCK_OUT, Site.RES2);

    private record Block(PackedWeights qkv, MemorySegment qkvBias, PackedWeights out, MemorySegment outBias,
                         MemorySegment attnNormGamma, MemorySegment attnNormBeta,
                         PackedWeights intermediate, MemorySegment intermediateBias,
                         PackedWeights output, MemorySegment outputBias,
                         MemorySegment outNormGamma, MemorySegment outNormBeta) {
    }

    private final MemorySegment wordEmb;
    private final MemorySegment posEmb;
    private final MemorySegment typeEmb;
    private final MemorySegment embGamma;
    private final MemorySegment embBeta;
    private final Block[] blocks;
    // MLM head; null when the checkpoint has none.
    private final PackedWeights transform;
    private final MemorySegment transformBias;
    private final MemorySegment headGamma;
    private final MemorySegment headBeta;
    private final PackedWeights decoder;
    private final MemorySegment decoderBias;

    private Bert(ModelConfig config, Kernels kernels, Arena arena, WeightReader r, BertNames names) {
        super(config, kernels, arena, SITES, OVERRIDE_INPUTS);
        int v = config.vocabSize();
        WeightLayout layout = names.linearLayout();
        wordEmb = r.f32(r.first(names.table("word_embeddings")), v, d);
        posEmb = r.f32(r.first(names.table("position_embeddings")), config.maxPositions(), d);
        int types = Math.max(1, config.typeVocabSize());
        typeEmb = r.f32(r.first(names.table("token_type_embeddings")), types, d);
        embGamma = r.owned(r.first(names.norm("embeddings.LayerNorm", true)), d);
        embBeta = r.owned(r.first(names.norm("embeddings.LayerNorm", false)), d);
        blocks = new Block[config.layers()];
        for (int i = 0; i < blocks.length; i++) {
            String l = "encoder.layer." + i + ".";
            String a = l + "attention.";
            MemorySegment qkvBias = r.allocate(3L * d);
            for (int j = 0; j < 3; j++) {
                MemorySegment bias = r.f32(r.first(names.linear(a + "self." + QKV_NAMES[j], false)), d);
                MemorySegment.copy(bias, 0, qkvBias, (long) j * d * Float.BYTES, (long) d * Float.BYTES);
            }
            blocks[i] = new Block(
                    fusedQkv(r, names, a + "self.", layout), qkvBias,
                    r.matrix(r.first(names.linear(a + "output.dense", true)), d, d, layout),
                    r.owned(r.first(names.linear(a + "output.dense", false)), d),
                    r.owned(r.first(names.norm(a + "output.LayerNorm", true)), d),
                    r.owned(r.first(names.norm(a + "output.LayerNorm", false)), d),
                    r.matrix(r.first(names.linear(l + "intermediate.dense", true)), d, inner, layout),
                    r.owned(r.first(names.linear(l + "intermediate.dense", false)), inner),
                    r.matrix(r.first(names.linear(l + "output.dense", true)), inner, d, layout),
                    r.owned(r.first(names.linear(l + "output.dense", false)), d),
                    r.owned(r.first(names.norm(l + "output.LayerNorm", true)), d),
                    r.owned(r.first(names.norm(l + "output.LayerNorm", false)), d));
        }
        if (names.hasMlmHead()) {
            transform = r.matrix(names.headLinear("transform.dense", true), d, d, layout);
            transformBias = r.owned(r.first(names.headLinear("transform.dense", false)), d);
            headGamma = r.owned(r.first(names.headNorm(true)), d);
            headBeta = r.owned(r.first(names.headNorm(false)), d);
            decoder = kernels.pack(wordEmb, d, v, WeightLayout.OUT_IN, arena);
            decoderBias = r.owned(r.first(names.decoderBias()), v);
        } else {
            transform = null;
            transformBias = null;
            headGamma = null;
            headBeta = null;
            decoder = null;
            decoderBias = null;
        }
    }

    private static final String[] QKV_NAMES = {"query", "key", "value"};

    /** Query, key and value fused into one d → 3d weight so the three projections run as one matmul. */
    private PackedWeights fusedQkv(WeightReader r, BertNames names, String self, WeightLayout layout) {
        MemorySegment fused = r.allocate(3L * d * d);
        long rowBytes = (long) d * Float.BYTES;
        for (int j = 0; j < 3; j++) {
            MemorySegment w = r.f32(r.first(names.linear(self + QKV_NAMES[j], true)), d, d);
            if (layout == WeightLayout.OUT_IN) {
                // [out, in]: q's rows, then k's, then v's.
                MemorySegment.copy(w, 0, fused, j * d * rowBytes, d * rowBytes);
            } else {
                // [in, out]: each input row holds q | k | v side by side.
                for (int i = 0; i < d; i++) {
                    MemorySegment.copy(w, i * rowBytes, fused, (3L * i + j) * rowBytes, rowBytes);
                }
            }
        }
        return kernels.pack(fused, d, 3 * d, layout, arena);
    }

    /**
     * Loads BERT with the vector kernels. The tensor source must stay open while the model is used
     * (the embedding tables are read from it in place).
     */
    public static Bert load(TensorSource source, ModelConfig config) {
        return load(source, config, Kernels.vector());
    }

    public static Bert load(TensorSource source, ModelConfig config, Kernels kernels) {
        requireArchitecture(source, config, ModelConfig.Architecture.BERT, "BERT");
        BertNames names = BertNames.detect(source);
        return inOwnArena(arena -> new Bert(config, kernels, arena, new WeightReader(source, arena, kernels, "BERT"), names));
    }

    /** Whether the checkpoint carries the MLM head ({@code cls.predictions.*}); without it there are no logits. */
    public boolean hasMlmHead() {
        return decoder != null;
    }

    @Override
    void requireHeadFor(Hooks hooks) {
        if (!hasMlmHead() && (hooks.at(Site.FINAL_NORM, 0).length > 0 || hooks.at(Site.LOGITS, 0).length > 0)) {
            throw noHead();
        }
    }

    @Override
    void embed(Batch batch, MemorySegment x) {
        long rowBytes = (long) d * Float.BYTES;
        for (int s = 0; s < batch.size(); s++) {
            Sequence seq = batch.sequence(s);
            long row = batch.start(s);
            for (int i = 0; i < seq.length(); i++) {
                long r = (row + i) * d;
                MemorySegment.copy(wordEmb, seq.token(i) * rowBytes, x, r * Float.BYTES, rowBytes);
                kernels.add(x, r, posEmb, (long) i * d, d);
                kernels.add(x, r, typeEmb, (long) seq.tokenType(i) * d, d);
            }
        }
        kernels.layerNorm(x, 0, x, 0, batch.rows(), d, embGamma, embBeta, eps);
    }

    /** Post-norm: each sublayer reads {@code x}, and the LayerNorm of input plus output becomes the next {@code x}. */
    @Override
    void block(int b, Batch batch, Hooks hooks, MemorySegment x, Workspace ws) {
        Block w = blocks[b];
        int n = batch.rows();
        MemorySegment attnOut = ws.floats(ATTN_OUT, (long) n * d);
        MemorySegment mlpOut = ws.floats(MLP_OUT, (long) n * d);

        attentionSublayer(b, batch, hooks, x, attnOut, w.qkv, w.qkvBias, w.out, w.outBias, false, ws);
        residual(Site.RES1, b, batch, hooks, attnOut, x);
        norm(Site.ATTN_NORM, b, batch, hooks, attnOut, x, w.attnNormGamma, w.attnNormBeta);
        mlpSublayer(b, batch, hooks, x, mlpOut, w.intermediate, w.intermediateBias, w.output, w.outputBias, ws);
        residual(Site.RES2, b, batch, hooks, mlpOut, x);
        norm(Site.BLOCK_OUT, b, batch, hooks, mlpOut, x, w.outNormGamma, w.outNormBeta);
    }

    /** The MLM transform: dense → GELU → LayerNorm. */
    @Override
    void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff, Workspace ws, Workspace.Buffer scratch) {
        if (!hasMlmHead()) throw noHead();
        MemorySegment t = ws.floats(scratch, (long) rows * d);
        kernels.matmulGelu(hidden, hiddenOff, d, rows, transform, transformBias, t, 0, d, config.activation());
        kernels.layerNorm(t, 0, out, outOff, rows, d, headGamma, headBeta, eps);
    }

    /** The tied decoder plus its bias, for vectors already through the MLM transform. */
    @Override
    void headLogits(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff) {
        if (!hasMlmHead()) throw noHead();
        kernels.matmul(normed, normedOff, d, rows, decoder, decoderBias, out, outOff, config.vocabSize());
    }

    @Override
    public PackedWeights headWeights() {
        if (!hasMlmHead()) throw noHead();
        return decoder;
    }

    @Override
    public MemorySegment headBias() {
        if (!hasMlmHead()) throw noHead();
        return decoderBias;
    }

    /** The MLM head of encoder outputs: transform, then decoder. Same as {@link #logits}. */
    public void mlmHead(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        logits(hidden, hiddenOff, rows, out, outOff);
    }

    private WeightsException noHead() {
        return new WeightsException("this BERT checkpoint has no masked-language-model head (cls.predictions.*), "
                + "so it cannot produce logits.");
    }
}
