package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

/** What GPT-2 and BERT share: validation, workspaces, tap delivery and the head taps. */
abstract sealed class TransformerModel implements Model permits Gpt2, Bert {

    // Workspace slots; each model uses the ones it needs.
    static final int X = 0, LN = 1, QKV = 2, ATT = 3, ATTN_OUT = 4, FC = 5, MLP_OUT = 6, SCRATCH = 7,
            HEAD_IN = 8, HEAD_NORM = 9, HEAD_LOGITS = 10, HEAD_TMP = 11, PUBLIC_NORM = 12, PUBLIC_TMP = 13;
    private static final int SLOTS = 14;

    final ModelConfig config;
    final Kernels kernels;
    final Arena arena;
    final int d;
    final float eps;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(() -> new Workspace(SLOTS));

    TransformerModel(ModelConfig config, Kernels kernels, Arena arena) {
        this.config = config;
        this.kernels = kernels;
        this.arena = arena;
        this.d = config.hidden();
        this.eps = (float) config.layerNormEps();
    }

    @Override
    public final ModelConfig config() {
        return config;
    }

    @Override
    public final Kernels kernels() {
        return kernels;
    }

    @Override
    public void close() {
        arena.close();
    }

    final Workspace workspace() {
        return workspaces.get();
    }

    /** Rejects what the model cannot run, with one sentence naming the sequence and the limit. */
    final void validate(Batch batch, Hooks hooks) {
        for (int s = 0; s < batch.size(); s++) {
            Sequence seq = batch.sequence(s);
            if (seq.length() > config.maxPositions()) {
                throw new IllegalArgumentException("sequence " + s + " has " + seq.length()
                        + " tokens, more than the model's " + config.maxPositions() + " positions.");
            }
            for (int i = 0; i < seq.length(); i++) {
                int t = seq.token(i);
                if (t < 0 || t >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + t + " at position " + i + " of sequence " + s
                            + " is outside the vocabulary of " + config.vocabSize() + ".");
                }
                int type = seq.tokenType(i);
                if (type != 0 && (type < 0 || type >= Math.max(1, config.typeVocabSize()))) {
                    throw new IllegalArgumentException("token type " + type + " at position " + i + " of sequence " + s
                            + " is outside the model's " + Math.max(1, config.typeVocabSize()) + " token types.");
                }
            }
        }
        Set<Site> sites = sites();
        for (TapRequest t : hooks.taps()) {
            if (!sites.contains(t.site())) {
                throw new IllegalArgumentException("site " + t.site().key() + " does not exist in " + config.architecture()
                        + "; its sites are " + sites.stream().map(Site::key).toList() + ".");
            }
            if (t.site().perBlock() && t.block() >= config.layers()) {
                throw new IllegalArgumentException("tap at " + t.site().key() + " of block " + t.block()
                        + ": the model has blocks 0.." + (config.layers() - 1) + ".");
            }
            if (t.rows() instanceof RowSelection.At at && at.positions().length != batch.size()) {
                throw new IllegalArgumentException("a tap at " + t.site().key() + " chose positions for "
                        + at.positions().length + " sequences but the batch has " + batch.size() + ".");
            }
            for (int s = 0; s < batch.size(); s++) {
                int p = RowSelection.positionOf(t.rows(), s, batch.attended(s));
                if (p >= batch.length(s)) {
                    throw new IllegalArgumentException("a tap at " + t.site().key() + " asks for position " + p
                            + " of sequence " + s + ", which has " + batch.length(s) + " tokens.");
                }
            }
        }
    }

    /** Hands every tap at (site, block) its rows of {@code buf} (batch layout: all rows of all sequences). */
    static void deliver(TapRequest[] taps, Site site, int block, Batch batch, MemorySegment buf, int width) {
        if (taps.length == 0) return;
        MemorySegment ro = buf.asReadOnly();
        long rowBytes = (long) width * Float.BYTES;
        for (TapRequest t : taps) {
            for (int s = 0; s < batch.size(); s++) {
                int p = RowSelection.positionOf(t.rows(), s, batch.attended(s));
                if (p < 0) {
                    int len = batch.length(s);
                    t.tap().accept(site, block, s, 0, len, width, ro.asSlice(batch.start(s) * rowBytes, len * rowBytes));
                } else {
                    t.tap().accept(site, block, s, p, 1, width, ro.asSlice((batch.start(s) + p) * rowBytes, rowBytes));
                }
            }
        }
    }

    /** Serves FINAL_NORM and LOGITS taps from the last block's output {@code x}, only for the rows they ask for. */
    final void headTaps(Hooks hooks, Batch batch, MemorySegment x, Workspace ws) {
        TapRequest[] norms = hooks.at(Site.FINAL_NORM, 0);
        TapRequest[] logits = hooks.at(Site.LOGITS, 0);
        if (norms.length == 0 && logits.length == 0) return;
        int v = config.vocabSize();
        for (int which = 0; which < 2; which++) {
            TapRequest[] taps = which == 0 ? norms : logits;
            for (TapRequest t : taps) {
                boolean all = t.rows() instanceof RowSelection.All;
                int rows = all ? batch.rows() : batch.size();
                MemorySegment in = x;
                if (!all) {
                    in = ws.floats(HEAD_IN, (long) rows * d);
                    long rowBytes = (long) d * Float.BYTES;
                    for (int s = 0; s < batch.size(); s++) {
                        int p = RowSelection.positionOf(t.rows(), s, batch.attended(s));
                        MemorySegment.copy(x, (batch.start(s) + p) * rowBytes, in, s * rowBytes, rowBytes);
                    }
                }
                MemorySegment normed = ws.floats(HEAD_NORM, (long) rows * d);
                finalNorm(in, 0, rows, normed, 0, ws, HEAD_TMP);
                MemorySegment out = normed;
                int width = d;
                if (which == 1) {
                    out = ws.floats(HEAD_LOGITS, (long) rows * v);
                    logitsFromFinalNorm(normed, 0, rows, out, 0);
                    width = v;
                }
                TapRequest[] one = {t};
                if (all) {
                    deliver(one, t.site(), 0, batch, out, width);
                } else {
                    MemorySegment ro = out.asReadOnly();
                    long rowBytes = (long) width * Float.BYTES;
                    for (int s = 0; s < batch.size(); s++) {
                        int p = RowSelection.positionOf(t.rows(), s, batch.attended(s));
                        t.tap().accept(t.site(), 0, s, p, 1, width, ro.asSlice(s * rowBytes, rowBytes));
                    }
                }
            }
        }
    }

    /** {@link #finalNorm} with a scratch slot of the given workspace (BERT's transform needs one). */
    abstract void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff,
                            Workspace ws, int tmpSlot);

    @Override
    public final void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        finalNorm(hidden, hiddenOff, rows, out, outOff, workspace(), PUBLIC_TMP);
    }

    @Override
    public final void logits(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        Workspace ws = workspace();
        MemorySegment normed = ws.floats(PUBLIC_NORM, (long) rows * d);
        finalNorm(hidden, hiddenOff, rows, normed, 0, ws, PUBLIC_TMP);
        logitsFromFinalNorm(normed, 0, rows, out, outOff);
    }

    /** Runs attention for every sequence of the batch over its own rows of a fused q|k|v buffer. */
    final void attention(Batch batch, MemorySegment qkv, MemorySegment out, boolean causal, Workspace ws) {
        int heads = config.heads();
        int hs = config.headSize();
        float scale = (float) (1.0 / Math.sqrt(hs));
        int ld = 3 * d;
        long scratchFloats = kernels.attentionScratchFloats(batch.longest(), batch.longest(), hs);
        MemorySegment scratch = ws.floats(SCRATCH, scratchFloats);
        for (int s = 0; s < batch.size(); s++) {
            long row = batch.start(s);
            int len = batch.length(s);
            kernels.attention(qkv, row * ld, ld, qkv, row * ld + d, ld, qkv, row * ld + 2L * d, ld,
                    len, len, heads, hs, scale, causal, batch.attended(s), out, row * d, d, scratch);
        }
    }
}
