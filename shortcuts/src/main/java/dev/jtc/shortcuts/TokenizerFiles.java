package dev.jtc.shortcuts;

import dev.jtc.weights.ModelLocator;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Where a model's tokenizer files are, for the command line and the library alike. */
public final class TokenizerFiles {

    private TokenizerFiles() {
    }

    /**
     * M itself when it is a tokenizer file or a directory holding them (no weights needed), else the directory of the
     * model M names (built-in, cache or hub), or its {@code assets/} (TensorFlow SavedModels keep vocab.txt there).
     */
    public static Path locate(String model) {
        Path p;
        try {
            p = Path.of(model);
        } catch (InvalidPathException e) {
            p = null;
        }
        if (p != null && Files.isRegularFile(p)) return p;
        if (p != null && Files.isDirectory(p) && holdsTokenizerFiles(p)) return p;
        Path dir = ModelLocator.locate(model).directory();
        if (holdsTokenizerFiles(dir)) return dir;
        if (holdsTokenizerFiles(dir.resolve("assets"))) return dir.resolve("assets");
        throw new IllegalArgumentException("the model " + model + " (" + dir + ") has no tokenizer files: expected "
                + "tokenizer.json, vocab.json with merges.txt, or vocab.txt.");
    }

    private static boolean holdsTokenizerFiles(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.json")) || Files.isRegularFile(dir.resolve("vocab.json"))
                || Files.isRegularFile(dir.resolve("vocab.txt"));
    }
}
