package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Every numeric kernel of the engine, in one place. Two implementations: {@link #vector()}
 * (jdk.incubator.vector, multi-threaded matmul) for real work, and {@link #scalar()}, plain
 * loops that tests use as the twin of each vector kernel.
 *
 * <p>All tensors are row-major float32 in {@link MemorySegment}s. Offsets and strides are in
 * elements (floats), not bytes, so callers can address rows of a workspace without creating
 * slice objects on the hot path. Implementations allocate nothing on the Java heap per call
 * once warmed up, and are safe to call from several threads on disjoint outputs.
 *
 * <p>The vector kernels give the same bits at every JIT tier and with any thread count (see VectorKernels);
 * the scalar twins compute in double and are references, not bit-for-bit partners of the vector kernels.
 *
 * <p>The vector matmul and attention spread work over a team of threads; they can only do that on
 * segments other threads may access (global, automatic or shared arenas, heap segments). Segments of
 * a confined arena are computed on the calling thread alone: correct, but on one core.
 *
 * <p>Ownership: whoever calls {@link #vector(int)} owns that team and closes it, after every model built on it
 * is closed; a model never closes its kernels, because several models may share them. The shared
 * {@link #vector()} and {@link #scalar()} belong to the process: their {@link #close} does nothing.
 */
public interface Kernels extends AutoCloseable {

    /**
     * The shared vector kernels: one team of {@code -Djtc.threads} threads (default: one per physical core),
     * daemon threads that serve every model of the process for its whole life; {@link #close} leaves them running.
     */
    static Kernels vector() {
        return VectorKernels.instance();
    }

    /**
     * Vector kernels with their own team of {@code threads} matmul/attention threads (the caller
     * counts as one): {@code threads − 1} daemon threads that run until {@link #close}. For benchmarks,
     * tests and services that size teams themselves; most callers want {@link #vector()}.
     */
    static Kernels vector(int threads) {
        return new VectorKernels(threads);
    }

    static Kernels scalar() {
        return ScalarKernels.instance();
    }

    /** How a weight matrix is stored: {@code [in, out]} (GPT-2 Conv1D, TF kernels) or {@code [out, in]} (HF Linear). */
    enum WeightLayout { IN_OUT, OUT_IN }

    /**
     * Prepares a weight matrix once, at load, in whatever layout this implementation's matmul
     * is fastest with. {@code w} holds k·n floats ({@code k} = input size, {@code n} = output size).
     * A copy lives in {@code arena} and dies with it, so its owner decides when the memory goes back;
     * an implementation may instead view {@code w} (the scalar kernels do), which then must outlive the result.
     */
    PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena);

    /** {@link #pack(MemorySegment, int, int, WeightLayout, Arena)} into an automatic arena: freed by the GC. */
    default PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout) {
        return pack(w, k, n, layout, Arena.ofAuto());
    }

    /**
     * {@code c[m, n] = a[m, k] · W (+ bias)}, where {@code a} starts at element {@code aOff} with
     * row stride {@code lda}, and {@code c} at {@code cOff} with row stride {@code ldc}.
     * {@code bias} (n floats) may be null. {@code c} must not overlap {@code a}.
     */
    void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                MemorySegment c, long cOff, int ldc);

    /**
     * {@code c = gelu(a·W + bias)} in the given form: the same floats as {@link #matmul} followed by {@link #gelu} on
     * every row of the result. The vector kernels apply GELU on each thread to the part of C it has just computed, so
     * the activation runs on the whole team, on data still in that thread's cache.
     */
    default void matmulGelu(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                            MemorySegment c, long cOff, int ldc, Activation form) {
        matmul(a, aOff, lda, m, w, bias, c, cOff, ldc);
        for (int r = 0; r < m; r++) gelu(c, cOff + (long) r * ldc, w.n(), form);
    }

    /**
     * The one-row matmul's column {@code j}: the same float that {@link #matmul} with {@code m = 1} (and, for the
     * vector kernels, any {@code m}) writes for it, computed alone, for a caller that needs a few outputs of a wide
     * matrix exactly.
     */
    float column(MemorySegment a, long aOff, PackedWeights w, MemorySegment bias, int j);

    /** An 8-bit copy of {@code w} and {@code bias} (may be null) for {@link #estimate}, in {@code arena}; see {@link QuantizedWeights}. */
    QuantizedWeights quantize(PackedWeights w, MemorySegment bias, Arena arena);

    /**
     * An estimate of the one-row product {@code a·W + bias} from {@link #quantize}d weights into {@code q.n()} floats
     * of {@code out} from element {@code outOff}, each within {@link QuantizedWeights#errorBound} of {@link #matmul}'s.
     */
    void estimate(MemorySegment a, long aOff, QuantizedWeights q, MemorySegment out, long outOff);

    /** LayerNorm over the last dimension of {@code rows × d}; {@code x} and {@code out} may be the same. */
    void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                   MemorySegment gamma, MemorySegment beta, float eps);

    /**
     * GELU in place on {@code n} contiguous floats, in the given form. NaN stays NaN, +∞ stays +∞, and −∞
     * gives NaN (as {@code 0.5·x·(1 + …)} does in PyTorch); the erf form needs no {@code Math.erf}.
     */
    void gelu(MemorySegment x, long off, long n, Activation form);

    /** {@code dst[i] += src[i]} for {@code n} contiguous floats (residual connections, bias rows). */
    void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n);

    /** Numerically stable softmax in place over {@code n} contiguous floats (max-subtract, exp, normalise). */
    void softmax(MemorySegment x, long off, int n);

    /**
     * {@code ln Σ exp(x_i)} over {@code n ≥ 1} contiguous floats, shifted by their maximum so that no term overflows,
     * the terms summed in double: the log-normaliser of a softmax, for log-probabilities and KL without writing the
     * probabilities out. {@code +∞} stays {@code +∞}; a NaN input gives NaN.
     */
    double logSumExp(MemorySegment x, long off, int n);

    /** {@code Σ a_i·b_i} over {@code n} contiguous floats, products and sum in double. */
    double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n);

    /**
     * Multi-head scaled-dot-product attention for one sequence.
     *
     * <p>Queries: {@code tq} rows of {@code heads·headSize} floats (head h occupies columns
     * {@code h·headSize ..}) starting at {@code qOff}, row stride {@code ldq}; keys and values likewise,
     * {@code tk} rows. Output: {@code tq} rows, stride {@code ldo}, heads side by side.
     *
     * <p>Masking: key j is visible to query i iff {@code j < validKeys} and, when {@code causal},
     * {@code j <= i + (tk - tq)} (so with a KV cache the queries are the last {@code tq} positions).
     * Scores are multiplied by {@code scale} before the softmax. A query that sees no key at all
     * (only possible with {@code validKeys == 0}, or causal with {@code tq > tk}) gets a zero output row.
     * Excluding masked keys equals adding a large negative number (BERT's −10000) to their scores
     * whenever at least one key is visible, since their weights underflow to zero in float32.
     *
     * @param scratch at least {@link #attentionScratchFloats(int, int, int)} floats, owned by the calling
     *                thread; may be null when that is 0
     */
    void attention(MemorySegment q, long qOff, int ldq,
                   MemorySegment k, long kOff, int ldk,
                   MemorySegment v, long vOff, int ldv,
                   int tq, int tk, int heads, int headSize, float scale, boolean causal, int validKeys,
                   MemorySegment out, long oOff, int ldo, MemorySegment scratch);

    /** Scratch floats {@link #attention} needs for {@code tq} queries over {@code tk} keys of {@code headSize}. */
    long attentionScratchFloats(int tq, int tk, int headSize);

    /**
     * Ends this instance's own threads and returns once they have terminated; every later call throws
     * {@link IllegalStateException}. Does nothing for kernels without threads of their own and for the shared
     * {@link #vector()}. Weights packed earlier stay with their arenas.
     */
    @Override
    default void close() {
    }
}
