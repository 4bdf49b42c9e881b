package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.TensorSource;

/** Loads the right {@link Model} for a checkpoint's architecture. */
public final class Models {

    private Models() {
    }

    /** GPT-2 or BERT, as {@code config} says, on the vector kernels. The source must outlive the model. */
    public static Model load(TensorSource tensors, ModelConfig config) {
        return load(tensors, config, Kernels.vector());
    }

    public static Model load(TensorSource tensors, ModelConfig config, Kernels kernels) {
        return switch (config.architecture()) {
            case GPT2 -> Gpt2.load(tensors, config, kernels);
            case BERT -> Bert.load(tensors, config, kernels);
        };
    }
}
