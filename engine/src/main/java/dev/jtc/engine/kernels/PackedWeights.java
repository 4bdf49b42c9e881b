package dev.jtc.engine.kernels;

/** A weight matrix prepared by {@link Kernels#pack} for that implementation's matmul: k inputs, n outputs. */
public interface PackedWeights {
    int k();

    int n();
}
