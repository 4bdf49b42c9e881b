package dev.jtc.bench.models;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads a peer model with Jlama 0.8.4 the way the side-by-side runs need it: the checkpoint's float32 weights and
 * float32 working memory (our precision; Jlama is usually run on 4-bit weights and 8-bit activations), on as many
 * threads as our kernels ({@link PeerProperties#threads()}). Jlama's thread pool is process-wide and can be sized
 * only before its first use, so a JVM loads one Jlama model.
 */
final class JlamaModels {

    private JlamaModels() {
    }

    /**
     * The model in {@code directory} (Hugging Face layout: config.json, model.safetensors, tokenizer.json), with the
     * parts {@code use} needs.
     *
     * @throws IllegalArgumentException for a directory without config.json
     */
    static AbstractModel load(Path directory, AbstractModel.InferenceType use) {
        if (!Files.isRegularFile(directory.resolve("config.json"))) {
            throw new IllegalArgumentException(directory + ": no config.json; expected a Hugging Face model directory "
                    + "(bench/run-peers makes them).");
        }
        return ModelSupport.loadModel(use, directory.toFile(), null, DType.F32, DType.F32, Optional.empty(),
                Optional.of(PeerProperties.threads()), Optional.empty(), SafeTensorSupport::loadWeights);
    }
}
