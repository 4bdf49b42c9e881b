package dev.jtc.shortcuts.exit;

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
 * {@code b_{L,ℓ}} for maps fitted with an intercept) for ℓ = 1..L−1, packed for the model's kernels, and N, the
 * mean length of the fit's validation sentences that the paper's threshold divides by. Read-only after loading;
 * {@link #close()} frees the packed maps.
 */
public final class ExitMaps implements AutoCloseable {

    /** Metadata key of N in {@code maps.safetensors} (written by the fit). */
    public static final String MEAN_LENGTH = "exit_mean_length";

    private final Model model;
    private final Arena arena;
    private final LastLayerMaps toLast;
    private final double meanLength;

    private ExitMaps(Model model, Arena arena, LastLayerMaps toLast, double meanLength) {
        this.model = model;
        this.arena = arena;
        this.toLast = toLast;
        this.meanLength = meanLength;
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

    /**
     * Writes the logits of {@code mapping} applied to the state at row {@code row} of layer {@code layer} into
     * {@code logits}, using {@code mapped} (d floats) as scratch. The same kernels and the same order of operations as
     * the results' decoder, so the logits are the same bits as there.
     */
    void decode(Mapping mapping, int layer, MemorySegment hidden, long row, MemorySegment mapped, MemorySegment logits) {
        int d = model.width();
        if (mapping == Mapping.ID) {
            model.logits(hidden, row * d, 1, logits, 0);
            return;
        }
        if (mapping != toLast.mapping()) {
            throw new IllegalArgumentException("these maps implement " + toLast.mapping().key() + ", not " + mapping.key() + ".");
        }
        toLast.apply(layer, hidden, row, 1, mapped);
        model.logits(mapped, 0, 1, logits, 0);
    }

    @Override
    public void close() {
        arena.close();
    }
}
