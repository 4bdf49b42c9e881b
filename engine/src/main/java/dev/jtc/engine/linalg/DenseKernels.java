package dev.jtc.engine.linalg;

/**
 * The double-precision product at the heart of the least-squares solver: every heavy step (applying
 * compact-WY block reflectors, forming their T factors, triangular products) is one call of
 * {@link #multiply}. Two implementations: {@link #vector()} (jdk.incubator.vector register tiles,
 * several threads) for real work, and {@link #scalar()}, plain loops that tests use as its twin.
 *
 * <p>Both compute every output element by the same operation sequence, which is part of the
 * contract: the K range is cut into blocks of {@link #K_BLOCK} from k = 0; each block's products are
 * summed from zero by a chain of fused multiply-adds in increasing k; each block sum is then added
 * to (or subtracted from) the element. No lane reductions, no thread-dependent split of K: the
 * result is the same bits whatever the thread count, JIT tier or implementation.
 */
public sealed interface DenseKernels permits VectorDenseKernels, ScalarDenseKernels {

    /** The K block length of the summation order above. */
    int K_BLOCK = 256;

    /** The shared vector kernels: {@code -Djtc.threads} threads, default one per available processor. */
    static DenseKernels vector() {
        return VectorDenseKernels.shared();
    }

    /**
     * Vector kernels with their own team of {@code threads} (the caller counts as one); each call starts
     * {@code threads − 1} daemon threads that live as long as the process: for benchmarks and tests.
     */
    static DenseKernels vector(int threads) {
        return new VectorDenseKernels(threads);
    }

    static DenseKernels scalar() {
        return ScalarDenseKernels.INSTANCE;
    }

    /**
     * {@code c[m×n] ±= a[m×k] · b[k×n]}. {@code c} must have column stride 1 and must not overlap
     * {@code a} or {@code b}; {@code a} and {@code b} may have any strides.
     */
    void multiply(int m, int n, int k, MatrixView a, MatrixView b, MatrixView c, Accumulate op);

    /** How many threads {@link #multiply} spreads over. */
    int threads();
}
