package dev.jtc.shortcuts.exit;

import dev.jtc.engine.kernels.QuantizedWeights;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.corpus.Split;
import dev.jtc.shortcuts.mappings.LastLayerMaps;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

/**
 * The maps a true early exit needs, loaded once for one model and shared by every thread: {@code A_{L,ℓ}} (and
 * {@code b_{L,ℓ}} for maps fitted with an intercept) for ℓ = 1..L−1, packed for the model's kernels, N, the
 * mean length of the fit's validation sentences that the paper's threshold divides by, and the 8-bit copy of the
 * model's head that {@link ConfidenceScreen} reads. Read-only after loading;
 * {@link #close()} frees the packed maps.
 */
public final class ExitMaps implements AutoCloseable {

    /** Metadata key of N in {@code maps.safetensors} (written by the fit). */
    public static final String MEAN_LENGTH = "exit_mean_length";

    private final Model model;
    private final Arena arena;
    private final LastLayerMaps toLast;
    private final double meanLength;
    private final QuantizedWeights quantizedHead;

    private ExitMaps(Model model, Arena arena, LastLayerMaps toLast, double meanLength) {
        this.model = model;
        this.arena = arena;
        this.toLast = toLast;
        this.meanLength = meanLength;
        this.quantizedHead = model.kernels().quantize(model.headWeights(), model.headBias(), arena);
    }

    /**
     * Loads the maps of {@code file} for {@code model} (named {@code modelId} as the fit named it). Refused, in one
     * sentence, when the file was made for another model: another id in its metadata, another width or number of
     * layers, or a map missing.
     */
    public static ExitMaps load(Model model, String modelId, Path file) {
        int blocks = model.layers();
        int d = model.width();
        try (SafetensorsFile maps = SafetensorsFile.open(file)) {
            Map<String, String> meta = maps.metadata();
            String fittedFor = meta.get("model");
            if (fittedFor != null && !fittedFor.equals(modelId)) {
                throw new IllegalArgumentException(file + " holds the maps of " + fittedFor + ", not of " + modelId + ".");
            }
            if (!Integer.toString(blocks).equals(meta.get("layers")) || !Integer.toString(d).equals(meta.get("hidden"))) {
                throw new IllegalArgumentException(file + " was fitted for " + meta.get("layers") + " layers of width "
                        + meta.get("hidden") + "; " + modelId + " has " + blocks + " of width " + d + ".");
            }
            double meanLength = meanLength(file, meta);
            Arena arena = Arena.ofShared();
            try {
                return new ExitMaps(model, arena, LastLayerMaps.load(model, maps, arena), meanLength);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /** N from the maps' metadata, or, for maps fitted before it was recorded, from the samples.tsv beside them. */
    private static double meanLength(Path file, Map<String, String> meta) {
        String recorded = meta.get(MEAN_LENGTH);
        if (recorded != null) return Double.parseDouble(recorded);
        Path samples = file.resolveSibling("samples.tsv");
        try {
            return ExitThreshold.meanLength(SamplesFile.positions(samples, Split.VALIDATION));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " does not record N, the mean validation length of the exit threshold, "
                    + "and " + samples + " cannot give it (" + e.getMessage() + "); fit the maps again with this jtc.", e);
        }
    }

    public Model model() {
        return model;
    }

    /** N of the paper's threshold. */
    public double meanLength() {
        return meanLength;
    }

    /** The mapping these maps implement: mat, or affine for maps fitted with an intercept. */
    public Mapping fitted() {
        return toLast.mapping();
    }

    /** The head's 8-bit copy that {@link ConfidenceScreen}s share. */
    QuantizedWeights quantizedHead() {
        return quantizedHead;
    }

    /**
     * Writes {@code mapping} applied to the state at row {@code row} of layer {@code layer} into {@code mapped} (d
     * floats): id copies it, mat and affine apply the map with the same kernels and order of operations as the
     * results' decoder, so the head then gives the same logits, bit for bit, as there.
     */
    void map(Mapping mapping, int layer, MemorySegment hidden, long row, MemorySegment mapped) {
        long rowBytes = (long) model.width() * Float.BYTES;
        if (mapping == Mapping.ID) {
            MemorySegment.copy(hidden, row * rowBytes, mapped, 0, rowBytes);
            return;
        }
        if (mapping != toLast.mapping()) {
            throw new IllegalArgumentException("these maps implement " + toLast.mapping().key() + ", not " + mapping.key() + ".");
        }
        toLast.apply(layer, hidden, row, 1, mapped);
    }

    @Override
    public void close() {
        arena.close();
    }
}
