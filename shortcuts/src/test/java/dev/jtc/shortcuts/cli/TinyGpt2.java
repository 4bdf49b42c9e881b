package dev.jtc.shortcuts.cli;

import dev.jtc.weights.testing.Numpy;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: a small random GPT-2 in Hugging Face layout with a byte-level tokenizer (id = byte value), and
 * its forward pass computed independently by the engine module's numpy reference (gpt2_reference.py).
 */
final class TinyGpt2 {

    static final int LAYERS = 2, HIDDEN = 32, HEADS = 4, VOCAB = 260, POSITIONS = 32;

    private TinyGpt2() {
    }

    record Result(int code, String out, String err) {
    }

    static Result jtc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Jtc());
        cl.setExecutionExceptionHandler(new UserErrors());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Writes the model into {@code dir} with the reference activations of {@code text}'s UTF-8 bytes. */
    static void create(Path dir, String text) throws IOException, InterruptedException {
        create(dir, text, LAYERS, HIDDEN, HEADS, VOCAB, POSITIONS);
    }

    /** The same with other sizes. */
    static void create(Path dir, String text, int layers, int hidden, int heads, int vocab, int positions)
            throws IOException, InterruptedException {
        Path script = Path.of("..", "engine", "src", "test", "python", "gpt2_reference.py").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) throw new AssertionError("reference script missing: " + script);
        StringBuilder ids = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) ids.append(ids.isEmpty() ? "" : ",").append(b & 0xff);
        Numpy.run(script, List.of(dir.toString(), "--layers", "" + layers, "--hidden", "" + hidden, "--heads", "" + heads,
                "--vocab", "" + vocab, "--positions", "" + positions, "--sequences", ids.toString(), "--byte-tokenizer", "--seed", "7"));
    }

    /**
     * A small random GPT-2 (3 blocks, width 24) in {@code dir}/tiny-gpt2 and a {@code jtc fit} of it on 200 + 60
     * sentences in {@code dir}/run: what the early-exit and library tests run on.
     */
    static Path fittedRun(Path dir) throws IOException, InterruptedException {
        Path model = dir.resolve("tiny-gpt2");
        Files.createDirectories(model);
        create(model, "x", 3, 24, 4, 260, 64);
        Path sentences = FitCommandTest.writeSentences(dir.resolve("sentences.txt"));
        Path run = dir.resolve("run");
        Result r = jtc("fit", "--model", model.toString(), "--sentences", sentences.toString(), "--train", "200", "--val", "60",
                "--out", run.toString());
        if (r.code() != 0) throw new AssertionError("the fit of the tiny GPT-2 failed: " + r.err());
        return run;
    }
}
