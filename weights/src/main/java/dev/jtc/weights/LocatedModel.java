package dev.jtc.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a model's files were found, before anything is mapped.
 *
 * @param id        what the user asked for ("bert-base-uncased", "gpt2", a directory)
 * @param origin    how it was found
 * @param directory the directory holding config and tokenizer files
 * @param weights   the weight file: {@code model.safetensors}, a shard index
 *                  ({@code model.safetensors.index.json}) or a TF {@code variables} prefix
 * @param format    how {@code weights} is stored
 */
public record LocatedModel(String id, Origin origin, Path directory, Path weights, WeightFormat format) {

    public enum Origin { LOCAL_DIRECTORY, HF_CACHE, HF_HUB, MAVEN_ARTIFACT }

    public enum WeightFormat { SAFETENSORS, SAFETENSORS_SHARDED, TF_BUNDLE }

    /** A file beside the weights (config.json, vocab.txt, tokenizer.json, ...), if present. */
    public Optional<Path> file(String name) {
        Path p = directory.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
