package dev.jtc.engine.kernels;

/**
 * An 8-bit copy of a packed weight matrix and its bias, made by {@link Kernels#quantize} for one purpose: a cheap
 * estimate of a one-row product {@code a·W + bias} with a proven bound on its error, so that a caller can rule
 * outputs out without computing them exactly (the early exit's confidence check streams a quarter of the head's
 * bytes this way, see {@code ConfidenceScreen}).
 *
 * <p>The guarantee, for every finite input row {@code a} and every column j: the float that {@link Kernels#matmul}
 * of that one row writes for column j (in whatever order of operations any implementation uses) and the estimate
 * of {@link Kernels#estimate} differ by at most {@link #errorBound}{@code (j, ‖a‖₂)}. The bound is the quantization
 * error by Cauchy–Schwarz, {@code ‖w_j − s_j·q_j‖₂·‖a‖₂}, plus the worst-case rounding of both float dot products
 * (Higham's γ_{k+3} times {@code (‖w_j‖₂ + ‖s_j·q_j‖₂)·‖a‖₂ + 2|b_j|}), widened by one part in a thousand for
 * the rounding of the bound itself.
 */
public interface QuantizedWeights {

    /** Inputs. */
    int k();

    /** Outputs (columns). */
    int n();

    /** The most by which column {@code j}'s estimate can differ from the exact float product, for an input of 2-norm {@code inputNorm}. */
    double errorBound(int j, double inputNorm);
}
