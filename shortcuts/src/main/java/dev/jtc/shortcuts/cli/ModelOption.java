package dev.jtc.shortcuts.cli;

import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.Tokenizers;
import picocli.CommandLine.Option;

/** The {@code --model} option of the commands that run a model ({@code predict}, {@code hidden}), as a picocli mixin. */
final class ModelOption {

    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A model directory, a built-in id (bert-base-uncased) or a Hugging Face id (gpt2).")
    String id;

    /** The tokenizer that belongs to the model: its files beside the weights, or in the located model's directory. */
    Tokenizer tokenizer() {
        return Tokenizers.load(TokenizerFiles.locate(id));
    }
}
