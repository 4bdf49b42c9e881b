package dev.jtc.shortcuts.mappings;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Sequence;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Overrides;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.exit.ExitThreshold;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes every validation row from every layer through each mapping of docs/method.md §5 and scores it against the full
 * model ({@link ReferenceRows}), in chunks of {@link #CHUNK_ROWS} rows so that each head is one GEMM over the chunk:
 * <ul>
 *   <li>{@code id}: the head of layer ℓ's state as it is (the logit lens);</li>
 *   <li>{@code mat}: the head of {@code A_{L,ℓ}·h_ℓ}; {@code affine} (runs fitted with an intercept): of
 *       {@code A_{L,ℓ}·h_ℓ + b_{L,ℓ}};</li>
 *   <li>GPT-2's {@code mat_attn}, {@code mat_ffn}, {@code mat_ln}: blocks ℓ..L−1 run again with attention, the MLP,
 *       or both layer norms replaced at every position by their fitted maps (the engine's overrides), residuals
 *       exact, ln_f after the last block.</li>
 * </ul>
 * The states come from the fit ({@code states/val.safetensors}: layer ℓ at each row's chosen token); the full model
 * is the head of layer L's state, the same computation the model's own forward pass ends with. Layer L of every
 * mapping is the full model itself.
 */
public final class PredictionDecoder {

    /** Rows decoded together: wide enough for the head's GEMM to run near full speed. */
    public static final int CHUNK_ROWS = 256;
    /** Sentences of the part mappings run in batches of at most this many tokens. */
    private static final int BATCH_TOKENS = 2048;

    private final Model model;
    private final Kernels kernels;
    private final int blocks;
    private final int width;
    private final int vocab;
    private final List<Sample> validation;
    private final List<Mapping> mappings;
    private final LastLayerMaps toLast;
    /** P_b^{a→a+1} packed, [block][point a]; only the points the part mappings replace. */
    private final PackedWeights[][] subModuleMaps;

    private PredictionDecoder(Model model, SafetensorsFile maps, List<Sample> validation, Arena arena) {
        this.model = model;
        this.kernels = model.kernels();
        this.blocks = model.layers();
        this.width = model.width();
        this.vocab = model.vocabSize();
        this.validation = List.copyOf(validation);
        if (vocab < ReferenceRows.TOP_K) {
            throw new IllegalArgumentException("the model's vocabulary has " + vocab + " tokens; Precision@k needs at least "
                    + ReferenceRows.TOP_K + ".");
        }
        this.toLast = LastLayerMaps.load(model, maps, arena);
        boolean affine = toLast.mapping() == Mapping.AFFINE;
        this.mappings = new ArrayList<>(List.of(Mapping.ID, toLast.mapping()));
        // The part mappings replace a sub-module by a map without bias, so they need a run fitted without intercept.
        boolean parts = model.config().architecture() == ModelConfig.Architecture.GPT2 && !affine && maps.contains("P.0.0");
        this.subModuleMaps = new PackedWeights[blocks][];
        if (parts) {
            mappings.addAll(List.of(Mapping.MAT_ATTN, Mapping.MAT_FFN, Mapping.MAT_LN));
            for (int b = 0; b < blocks; b++) {
                subModuleMaps[b] = new PackedWeights[5];
                for (int point : new int[]{0, 1, 3, 4}) {
                    MemorySegment p = LastLayerMaps.tensor(maps, "P." + b + "." + point, new long[]{width, width}, arena);
                    subModuleMaps[b][point] = kernels.pack(p, width, width, Kernels.WeightLayout.OUT_IN, arena);
                }
            }
        }
    }

    /**
     * Decodes and scores every mapping the maps file allows: id always; mat, or affine when the maps carry biases;
     * for GPT-2 fitted without intercept also mat_attn, mat_ffn and mat_ln.
     *
     * @param states     the fit's validation states ({@code layer.ℓ}, [n, d] for ℓ = 0..L)
     * @param validation the validation samples in the states' row order
     */
    public static ValidationPredictions decode(Model model, SafetensorsFile maps, SafetensorsFile states,
                                               List<Sample> validation, Progress progress) {
        // Shared: the kernels' worker threads read the chunk buffers.
        try (Arena arena = Arena.ofShared()) {
            return new PredictionDecoder(model, maps, validation, arena).run(states, progress, arena);
        }
    }

    private ValidationPredictions run(SafetensorsFile states, Progress progress, Arena arena) {
        int n = validation.size();
        if (n == 0) throw new IllegalArgumentException("there are no validation rows to decode.");
        MemorySegment[] layerStates = new MemorySegment[blocks + 1];
        for (int layer = 0; layer <= blocks; layer++) layerStates[layer] = stateRows(states, layer, n);

        int[][] top10 = new int[n][];
        int[] position = new int[n];
        int[] t = new int[n];
        for (int r = 0; r < n; r++) {
            position[r] = validation.get(r).position();
            t[r] = ExitThreshold.t(model.config().architecture(), position[r]);
        }
        Map<Mapping, MappingPredictions> out = new EnumMap<>(Mapping.class);
        for (Mapping m : mappings) out.put(m, empty(m, n));

        int chunkRows = Math.min(CHUNK_ROWS, n);
        ReferenceRows reference = new ReferenceRows(kernels, chunkRows, vocab, arena);
        MemorySegment shortcut = arena.allocate((long) chunkRows * vocab * Float.BYTES, 64);
        MemorySegment mapped = arena.allocate((long) chunkRows * width * Float.BYTES, 64);
        long rowBytes = (long) width * Float.BYTES;
        progress.start("decode", (long) n * blocks * mappings.size(), "rows");
        long done = 0;
        for (int first = 0; first < n; first += chunkRows) {
            int rows = Math.min(chunkRows, n - first);
            model.logits(layerStates[blocks], (long) first * width, rows, reference.logits(), 0);
            reference.prepare(rows, top10, first);
            for (Mapping m : mappings) {
                MappingPredictions p = out.get(m);
                for (int layer = 0; layer < blocks; layer++) {
                    switch (m) {
                        case ID -> model.logits(layerStates[layer], (long) first * width, rows, shortcut, 0);
                        case MAT, AFFINE -> {
                            toLast.apply(layer, layerStates[layer], first, rows, mapped);
                            model.logits(mapped, 0, rows, shortcut, 0);
                        }
                        case MAT_ATTN, MAT_FFN, MAT_LN -> runWithReplacedParts(m, layer, first, rows, shortcut);
                    }
                    for (int r = 0; r < rows; r++) reference.score(shortcut, (long) r * vocab, r, p, layer, first + r);
                    done += rows;
                    progress.update(done, 0);
                }
                for (int r = 0; r < rows; r++) reference.scoreItself(r, p, blocks, first + r);
            }
        }
        progress.finish(done, 0);
        List<MappingPredictions> ordered = new ArrayList<>();
        for (Mapping m : mappings) ordered.add(out.get(m));
        return new ValidationPredictions(blocks, vocab, new ReferencePredictions(top10, position, t), ordered);
    }

    /**
     * Runs the chunk's sentences with blocks {@code from}..L−1 replaced as mapping {@code m} says and writes the
     * logits at each sentence's chosen (last) token into row r of {@code out}.
     */
    private void runWithReplacedParts(Mapping m, int from, int first, int rows, MemorySegment out) {
        Overrides.Builder overrides = model.overrides();
        for (int b = from; b < blocks; b++) {
            switch (m) {
                case MAT_ATTN -> overrides.replace(Site.ATTN, b, subModuleMaps[b][1]);
                case MAT_FFN -> overrides.replace(Site.MLP, b, subModuleMaps[b][4]);
                case MAT_LN -> overrides.replace(Site.LN1, b, subModuleMaps[b][0]).replace(Site.LN2, b, subModuleMaps[b][3]);
                default -> throw new IllegalArgumentException(m.key() + " is not a part mapping.");
            }
        }
        long logitBytes = (long) vocab * Float.BYTES;
        try (Overrides replaced = overrides.build()) {
            for (int start = 0; start < rows; ) {
                int end = start;
                int tokens = 0;
                List<Sequence> sequences = new ArrayList<>();
                while (end < rows && (end == start || tokens + validation.get(first + end).input().length <= BATCH_TOKENS)) {
                    int[] input = validation.get(first + end).input();
                    sequences.add(Sequence.of(input));
                    tokens += input.length;
                    end++;
                }
                int offset = start;
                TapRequest logits = TapRequest.at(Site.LOGITS, RowSelection.last(), (site, block, sequence, position, count, w, view) ->
                        MemorySegment.copy(view, 0, out, (offset + sequence) * logitBytes, logitBytes));
                model.forward(Batch.of(sequences), Hooks.taps(logits).withOverrides(replaced));
                start = end;
            }
        }
    }

    private MemorySegment stateRows(SafetensorsFile states, int layer, int n) {
        String name = "layer." + layer;
        if (!states.contains(name)) {
            throw new IllegalArgumentException(states.origin() + " has no tensor " + name + "; run the fit again with --force.");
        }
        long[] shape = states.info(name).shape();
        if (shape.length != 2 || shape[0] != n || shape[1] != width) {
            throw new IllegalArgumentException(states.origin() + ": tensor " + name + " has shape " + Arrays.toString(shape)
                    + "; expected [" + n + ", " + width + "] (the validation rows of samples.tsv by the model's width).");
        }
        return states.raw(name);
    }

    private MappingPredictions empty(Mapping m, int n) {
        return new MappingPredictions(m, new int[blocks + 1][n], new float[blocks + 1][n], new float[blocks + 1][n],
                new float[blocks + 1][n], new float[blocks + 1][n]);
    }
}
