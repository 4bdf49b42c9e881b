package dev.jtc.shortcuts.exit;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.mappings.LastLayerMaps;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The maps between inner layers, {@code A_{b,ℓ}} for 1 ≤ ℓ < b ≤ L−1 (and {@code b_{b,ℓ}} for maps fitted with an
 * intercept), packed for a model's kernels: from a token's state at the layer where it stopped, they estimate the
 * inputs of the blocks it skipped ({@link KvFill.Maps}). For GPT-2 small that is 55 maps of 768 × 768. Read-only after
 * loading and shared by every thread; {@link #close} frees them.
 */
public final class SkippedBlockMaps implements AutoCloseable {

    private final Model model;
    private final Arena arena;
    /** {@code maps[ℓ][b]} = A_{b,ℓ}, from layer ℓ to layer b; null where b ≤ ℓ. */
    private final PackedWeights[][] maps;
    private final MemorySegment[][] bias;

    private SkippedBlockMaps(Model model, Arena arena, PackedWeights[][] maps, MemorySegment[][] bias) {
        this.model = model;
        this.arena = arena;
        this.maps = maps;
        this.bias = bias;
    }

    /**
     * Reads the maps of {@code file} (a fit's maps.safetensors) for {@code model}; a map missing or of another
     * shape is refused in one sentence.
     */
    public static SkippedBlockMaps load(Model model, Path file) {
        int layers = model.layers();
        int d = model.width();
        Arena arena = Arena.ofShared();
        try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
            boolean affine = tensors.contains("b.0." + layers);
            PackedWeights[][] maps = new PackedWeights[layers][layers];
            MemorySegment[][] bias = new MemorySegment[layers][layers];
            for (int from = 1; from < layers; from++) {
                for (int to = from + 1; to < layers; to++) {
                    MemorySegment a = LastLayerMaps.tensor(tensors, "A." + from + "." + to, new long[]{d, d}, arena);
                    maps[from][to] = model.kernels().pack(a, d, d, Kernels.WeightLayout.OUT_IN, arena);
                    if (affine) bias[from][to] = LastLayerMaps.tensor(tensors, "b." + from + "." + to, new long[]{d}, arena);
                }
            }
            return new SkippedBlockMaps(model, arena, maps, bias);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Model model() {
        return model;
    }

    /**
     * With a token's state at layer {@code layer} in row 0 of {@code inputs} ({@code d} floats a row), writes the
     * estimated inputs of blocks {@code layer + 1 .. L−1} into rows {@code 1 .. L−1−layer}: row {@code b − layer}
     * is {@code A_{b,layer}·h (+ b_{b,layer})}. Row 0 is itself block {@code layer}'s input.
     */
    public void estimateInputs(int layer, MemorySegment inputs) {
        int d = model.width();
        for (int to = layer + 1; to < model.layers(); to++) {
            model.kernels().matmul(inputs, 0, d, 1, maps[layer][to], bias[layer][to], inputs, (long) (to - layer) * d, d);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
