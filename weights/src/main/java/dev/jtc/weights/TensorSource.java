package dev.jtc.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A set of named tensors held off-heap: a safetensors file (or shards) or a TensorFlow
 * tensor bundle. Segments stay valid until {@link #close()}.
 */
public interface TensorSource extends AutoCloseable {

    /** Where the tensors were read from (a file or directory), for messages and {@code jtc inspect}. */
    Path origin();

    /** Tensor names in storage order. */
    List<String> names();

    boolean contains(String name);

    /** Throws {@link WeightsException} naming {@link #origin()} and the tensor when it is absent. */
    TensorInfo info(String name);

    /** The stored bytes of a tensor, read-only, little-endian, without any copy. */
    MemorySegment raw(String name);

    /**
     * The tensor as row-major float32: the stored segment itself when it is F32 (zero copy),
     * otherwise a converted copy allocated in {@code arena}.
     */
    MemorySegment f32(String name, Arena arena);

    /** Free-form string metadata (safetensors {@code __metadata__}); empty when there is none. */
    Map<String, String> metadata();

    @Override
    void close();
}
