package dev.jtc.shortcuts.mappings;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.model.Model;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The maps into the last layer, {@code A_{L,ℓ}} for ℓ = 0..L−1 (and {@code b_{L,ℓ}} when the fit had an intercept),
 * packed once for a model's kernels: what mat and affine apply, in the results' decoder and in the true early exit
 * alike, so both compute the same bits.
 */
public final class LastLayerMaps {

    private final Model model;
    private final PackedWeights[] toLast;
    private final MemorySegment[] bias;

    private LastLayerMaps(Model model, PackedWeights[] toLast, MemorySegment[] bias) {
        this.model = model;
        this.toLast = toLast;
        this.bias = bias;
    }

    /** Reads and packs the maps of {@code maps} for {@code model} into {@code arena} (which must be shared: the kernels' threads read them). */
    public static LastLayerMaps load(Model model, SafetensorsFile maps, Arena arena) {
        int blocks = model.layers();
        int d = model.width();
        boolean affine = maps.contains("b.0." + blocks);
        PackedWeights[] toLast = new PackedWeights[blocks];
        MemorySegment[] bias = new MemorySegment[blocks];
        for (int layer = 0; layer < blocks; layer++) {
            toLast[layer] = model.kernels().pack(tensor(maps, "A." + layer + "." + blocks, new long[]{d, d}, arena), d, d,
                    Kernels.WeightLayout.OUT_IN, arena);
            if (affine) bias[layer] = tensor(maps, "b." + layer + "." + blocks, new long[]{d}, arena);
        }
        return new LastLayerMaps(model, toLast, bias);
    }

    /** mat, or affine for maps fitted with an intercept. */
    public Mapping mapping() {
        return bias[0] != null ? Mapping.AFFINE : Mapping.MAT;
    }

    /** {@code out[r] = A_{L,layer}·hidden[r] (+ b)} for {@code rows} rows of {@code hidden} from row {@code firstRow}. */
    public void apply(int layer, MemorySegment hidden, long firstRow, int rows, MemorySegment out) {
        int d = model.width();
        model.kernels().matmul(hidden, firstRow * d, d, rows, toLast[layer], bias[layer], out, 0, d);
    }

    /** A float32 tensor of {@code maps} with the given shape, copied into {@code arena}; one sentence when it is missing or misshapen. */
    public static MemorySegment tensor(SafetensorsFile maps, String name, long[] shape, Arena arena) {
        if (!maps.contains(name)) {
            throw new IllegalArgumentException(maps.origin() + " has no tensor " + name + "; it is not the maps file of a "
                    + "complete fit of this model.");
        }
        long[] actual = maps.info(name).shape();
        if (!Arrays.equals(actual, shape)) {
            throw new IllegalArgumentException(maps.origin() + ": tensor " + name + " has shape " + Arrays.toString(actual)
                    + "; expected " + Arrays.toString(shape) + " for this model.");
        }
        return maps.f32(name, arena);
    }
}
