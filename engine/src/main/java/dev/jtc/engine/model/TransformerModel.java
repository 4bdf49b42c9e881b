package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.tap.ExitPolicy;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static dev.jtc.engine.model.Workspace.Buffer.ATTENTION_SCRATCH;
import static dev.jtc.engine.model.Workspace.Buffer.CALLER_NORMED;
import static dev.jtc.engine.model.Workspace.Buffer.CALLER_TRANSFORM;
import static dev.jtc.engine.model.Workspace.Buffer.HEADS;
import static dev.jtc.engine.model.Workspace.Buffer.HEAD_IN;
import static dev.jtc.engine.model.Workspace.Buffer.HEAD_LOGITS;
import static dev.jtc.engine.model.Workspace.Buffer.HEAD_NORMED;
import static dev.jtc.engine.model.Workspace.Buffer.HEAD_TRANSFORM;
import static dev.jtc.engine.model.Workspace.Buffer.MLP_INNER;
import static dev.jtc.engine.model.Workspace.Buffer.QKV;
import static dev.jtc.engine.model.Workspace.Buffer.RESIDUAL;

/**
 * What GPT-2 and BERT share: validation, workspaces, the forward pass's frame (embeddings, blocks, early exit,
 * head), the sublayers with their overrides, tap delivery and the head taps, and the model's lifetime.
 *
 * <p>Lifetime: the packed weights, biases and norms live in the model's shared arena and every thread's workspace
 * in arenas of its own; {@link #close} frees them all at once. Every public call that reads them (forward,
 * finalNorm, logits, logitsFromFinalNorm) passes the {@link CallGate}, so close() waits for calls in flight and
 * later calls get an {@link IllegalStateException}.
 */
abstract sealed class TransformerModel implements Model permits Gpt2, Bert {

    final ModelConfig config;
    final Kernels kernels;
    final Arena arena;
    final int d;
    final int inner;
    final float eps;
    private final Set<Site> sites;
    private final Map<Site, Site> overrideInputs;
    private final CallGate calls = new CallGate();
    /** The memory of every live thread's workspace, for close(); a workspace whose thread died leaves on its own. */
    private final Set<Workspace.Memory> workspaceMemory = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Workspace> workspaces =
            ThreadLocal.withInitial(() -> new Workspace(workspaceMemory, Workspace.RETAINED_BYTES));

    TransformerModel(ModelConfig config, Kernels kernels, Arena arena, Set<Site> sites, Map<Site, Site> overrideInputs) {
        this.config = config;
        this.kernels = kernels;
        this.arena = arena;
        this.d = config.hidden();
        this.inner = config.intermediate();
        this.eps = (float) config.layerNormEps();
        this.sites = sites;
        this.overrideInputs = overrideInputs;
    }

    @Override
    public final Set<Site> sites() {
        return sites;
    }

    @Override
    public final Map<Site, Site> overrideInputs() {
        return overrideInputs;
    }

    /** Refuses a config of another architecture, naming the checkpoint and the model it describes. */
    static void requireArchitecture(TensorSource source, ModelConfig config, ModelConfig.Architecture expected,
                                    String name) {
        if (config.architecture() != expected) {
            throw new WeightsException(source.origin() + ": config describes a " + config.architecture()
                    + " model, not " + name + ".");
        }
    }

    /** Builds a model whose weights live in a fresh shared arena; the arena is closed if building fails. */
    static <M extends TransformerModel> M inOwnArena(Function<Arena, M> build) {
        Arena arena = Arena.ofShared();
        try {
            return build.apply(arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** An unmodifiable set of sites, for {@link #sites()}. */
    static Set<Site> siteSet(Site first, Site... rest) {
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    /** An unmodifiable map from each overridable site to the site it reads, given as (site, input) pairs. */
    static Map<Site, Site> siteInputs(Site... pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("site inputs come in (site, input) pairs.");
        Map<Site, Site> m = new EnumMap<>(Site.class);
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public final ModelConfig config() {
        return config;
    }

    @Override
    public final Kernels kernels() {
        return kernels;
    }

    /**
     * Waits for the calls in flight on other threads, then frees the packed weights and every thread's workspace;
     * later calls get an IllegalStateException. Idempotent; a second close() returns once the first has finished.
     *
     * @throws IllegalStateException when called from inside a call of this model on the same thread (a tap or an
     *                               exit policy), which would otherwise wait for itself
     */
    @Override
    public final synchronized void close() {
        if (calls.isClosed()) return;
        if (workspaces.get().busy()) {
            throw new IllegalStateException("close() was called from inside a call of this model on the same thread "
                    + "(a tap or an exit policy); close the model after that call returns.");
        }
        calls.closeAndDrain();
        for (Workspace.Memory m : workspaceMemory) m.run();
        workspaces.remove();
        arena.close();
    }

    /** This thread's workspace, counted into a call: every public entry point pairs it with {@link #leave}. */
    final Workspace enter() {
        calls.enter();
        Workspace ws = workspaces.get();
        ws.enter();
        return ws;
    }

    final void leave(Workspace ws) {
        try {
            ws.leave();
        } finally {
            calls.leave();
        }
    }

    /** This thread's workspace, outside any call (tests read its bookkeeping). */
    final Workspace workspace() {
        return workspaces.get();
    }

    /** How many threads' workspaces hold memory the model would free on close (tests watch dead threads leave). */
    final int workspaceCount() {
        return workspaceMemory.size();
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

    /**
     * Embeddings, then the blocks in order (stopping where the exit policy says so), then the head taps. The
     * models differ only in {@link #embed} and {@link #block}; each block leaves its output in {@code x}.
     */
    @Override
    public final int forward(Batch batch, Hooks hooks) {
        Workspace ws = enter();
        try {
            return pass(batch, hooks, ws);
        } finally {
            leave(ws);
        }
    }

    /**
     * The pass itself. The exit policy is asked after blocks 0..L−2, with layer 1..L−1; never after the last
     * block, where nothing is left to skip, and not at all when it is {@link ExitPolicy#NEVER}.
     */
    private int pass(Batch batch, Hooks hooks, Workspace ws) {
        validate(batch, hooks);
        requireHeadFor(hooks);
        int n = batch.rows();
        MemorySegment x = ws.floats(RESIDUAL, (long) n * d);
        embed(batch, x);
        deliver(hooks.at(Site.EMBED, 0), Site.EMBED, 0, batch, x, d);

        long rowBytes = (long) d * Float.BYTES;
        ExitPolicy exit = hooks.exitPolicy();
        int layers = config.layers();
        for (int b = 0; b < layers; b++) {
            deliver(hooks.at(Site.BLOCK_IN, b), Site.BLOCK_IN, b, batch, x, d);
            block(b, batch, hooks, x, ws);
            if (exit != ExitPolicy.NEVER && b + 1 < layers && exit.stopAfter(b + 1, x.asReadOnly().asSlice(0, n * rowBytes), n, d)) {
                return b + 1;
            }
        }
        headTaps(hooks, batch, x, ws);
        return layers;
    }

    /** Refuses head taps the checkpoint cannot serve, before any work is done; GPT-2 always has its head. */
    void requireHeadFor(Hooks hooks) {
    }

    /** Writes the embedding (the EMBED point) of every row of the batch into {@code x}. */
    abstract void embed(Batch batch, MemorySegment x);

    /** Block {@code b} from its input {@code x} (BLOCK_IN, already delivered) to its output, left in {@code x}. */
    abstract void block(int b, Batch batch, Hooks hooks, MemorySegment x, Workspace ws);

    /** A LayerNorm point of a block ({@code out = norm(in)}), or its override applied to {@code in}; then its taps. */
    final void norm(Site site, int b, Batch batch, Hooks hooks, MemorySegment in, MemorySegment out,
                    MemorySegment gamma, MemorySegment beta) {
        int n = batch.rows();
        PackedWeights p = hooks.overrides().get(site, b);
        if (p == null) kernels.layerNorm(in, 0, out, 0, n, d, gamma, beta, eps);
        else kernels.matmul(in, 0, d, n, p, null, out, 0, d);
        deliver(hooks.at(site, b), site, b, batch, out, d);
    }

    /**
     * The ATTN point: fused q|k|v projection, attention and output projection of {@code in} into {@code out},
     * or the override applied to {@code in}; then its taps.
     */
    final void attentionSublayer(int b, Batch batch, Hooks hooks, MemorySegment in, MemorySegment out,
                                 PackedWeights qkvWeight, MemorySegment qkvBias,
                                 PackedWeights outWeight, MemorySegment outBias, boolean causal, Workspace ws) {
        int n = batch.rows();
        PackedWeights p = hooks.overrides().get(Site.ATTN, b);
        if (p == null) {
            MemorySegment qkv = ws.floats(QKV, (long) n * 3 * d);
            MemorySegment att = ws.floats(HEADS, (long) n * d);
            kernels.matmul(in, 0, d, n, qkvWeight, qkvBias, qkv, 0, 3 * d);
            attention(batch, qkv, att, causal, ws);
            kernels.matmul(att, 0, d, n, outWeight, outBias, out, 0, d);
        } else {
            kernels.matmul(in, 0, d, n, p, null, out, 0, d);
        }
        deliver(hooks.at(Site.ATTN, b), Site.ATTN, b, batch, out, d);
    }

    /** The MLP point: dense → GELU → dense of {@code in} into {@code out}, or the override applied to {@code in}; then its taps. */
    final void mlpSublayer(int b, Batch batch, Hooks hooks, MemorySegment in, MemorySegment out,
                           PackedWeights upWeight, MemorySegment upBias,
                           PackedWeights downWeight, MemorySegment downBias, Workspace ws) {
        int n = batch.rows();
        PackedWeights p = hooks.overrides().get(Site.MLP, b);
        if (p == null) {
            MemorySegment fc = ws.floats(MLP_INNER, (long) n * inner);
            kernels.matmulGelu(in, 0, d, n, upWeight, upBias, fc, 0, inner, config.activation());
            kernels.matmul(fc, 0, inner, n, downWeight, downBias, out, 0, d);
        } else {
            kernels.matmul(in, 0, d, n, p, null, out, 0, d);
        }
        deliver(hooks.at(Site.MLP, b), Site.MLP, b, batch, out, d);
    }

    /** A residual point: {@code sum += other}, then the taps at {@code site} see {@code sum}. */
    final void residual(Site site, int b, Batch batch, Hooks hooks, MemorySegment sum, MemorySegment other) {
        kernels.add(sum, 0, other, 0, (long) batch.rows() * d);
        deliver(hooks.at(site, b), site, b, batch, sum, d);
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
                MemorySegment normed = ws.floats(HEAD_NORMED, (long) rows * d);
                finalNorm(in, 0, rows, normed, 0, ws, HEAD_TRANSFORM);
                MemorySegment out = normed;
                int width = d;
                if (which == 1) {
                    out = ws.floats(HEAD_LOGITS, (long) rows * v);
                    headLogits(normed, 0, rows, out, 0);
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

    /** {@link #finalNorm} with a scratch buffer of the given workspace (BERT's transform needs one). */
    abstract void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff,
                            Workspace ws, Workspace.Buffer scratch);

    /** {@link #logitsFromFinalNorm} inside a call already counted in. */
    abstract void headLogits(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff);

    @Override
    public final void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        Workspace ws = enter();
        try {
            finalNorm(hidden, hiddenOff, rows, out, outOff, ws, CALLER_TRANSFORM);
        } finally {
            leave(ws);
        }
    }

    @Override
    public final void logitsFromFinalNorm(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff) {
        Workspace ws = enter();
        try {
            headLogits(normed, normedOff, rows, out, outOff);
        } finally {
            leave(ws);
        }
    }

    @Override
    public final void logits(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
        Workspace ws = enter();
        try {
            MemorySegment normed = ws.floats(CALLER_NORMED, (long) rows * d);
            finalNorm(hidden, hiddenOff, rows, normed, 0, ws, CALLER_TRANSFORM);
            headLogits(normed, 0, rows, out, outOff);
        } finally {
            leave(ws);
        }
    }

    /** Runs attention for every sequence of the batch over its own rows of a fused q|k|v buffer. */
    final void attention(Batch batch, MemorySegment qkv, MemorySegment out, boolean causal, Workspace ws) {
        int heads = config.heads();
        int hs = config.headSize();
        float scale = (float) (1.0 / Math.sqrt(hs));
        int ld = 3 * d;
        long scratchFloats = kernels.attentionScratchFloats(batch.longest(), batch.longest(), hs);
        MemorySegment scratch = ws.floats(ATTENTION_SCRATCH, scratchFloats);
        for (int s = 0; s < batch.size(); s++) {
            long row = batch.start(s);
            int len = batch.length(s);
            kernels.attention(qkv, row * ld, ld, qkv, row * ld + d, ld, qkv, row * ld + 2L * d, ld,
                    len, len, heads, hs, scale, causal, batch.attended(s), out, row * d, d, scratch);
        }
    }
}
