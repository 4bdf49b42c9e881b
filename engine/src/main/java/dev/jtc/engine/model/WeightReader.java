package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Reads a checkpoint's tensors for a model: checks each shape against the config and packs matrices once. */
final class WeightReader {

    private final TensorSource source;
    private final Arena arena;
    private final Kernels kernels;
    private final String what;

    WeightReader(TensorSource source, Arena arena, Kernels kernels, String what) {
        this.source = source;
        this.arena = arena;
        this.kernels = kernels;
        this.what = what;
    }

    boolean has(String name) {
        return source.contains(name);
    }

    /** The first of {@code candidates} that the checkpoint holds; the error names all of them. */
    String first(String... candidates) {
        for (String c : candidates) if (source.contains(c)) return c;
        throw new WeightsException(source.origin() + ": the " + what + " checkpoint is missing tensor " + candidates[0]
                + (candidates.length > 1 ? " (also looked for " + String.join(", ", Arrays.asList(candidates).subList(1, candidates.length)) + ")" : "")
                + ".");
    }

    /** The tensor as float32 in memory that is 4-byte aligned (copied only when the stored bytes are not). */
    MemorySegment f32(String name, long... shape) {
        TensorInfo info = source.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new WeightsException(source.origin() + ": tensor " + name + " has shape " + Arrays.toString(info.shape())
                    + "; expected " + Arrays.toString(shape) + " for this " + what + " config.");
        }
        MemorySegment s = source.f32(name, arena);
        if (s.address() % Float.BYTES != 0) {
            MemorySegment copy = arena.allocate(s.byteSize(), 64);
            MemorySegment.copy(s, 0, copy, 0, s.byteSize());
            s = copy;
        }
        return s;
    }

    /** A copy of the tensor in this model's own 64-byte aligned memory (for biases and norm weights). */
    MemorySegment owned(String name, long... shape) {
        MemorySegment s = f32(name, shape);
        MemorySegment copy = arena.allocate(s.byteSize(), 64);
        MemorySegment.copy(s, 0, copy, 0, s.byteSize());
        return copy;
    }

    /** A weight with {@code k} inputs and {@code n} outputs stored as {@code layout}, packed for the kernels. */
    PackedWeights matrix(String name, int k, int n, Kernels.WeightLayout layout) {
        MemorySegment w = layout == Kernels.WeightLayout.IN_OUT ? f32(name, k, n) : f32(name, n, k);
        return kernels.pack(w, k, n, layout, arena);
    }

    MemorySegment allocate(long floats) {
        return arena.allocate(floats * Float.BYTES, 64);
    }

    TensorSource source() {
        return source;
    }
}
