package dev.jtc.spark;

import dev.jtc.shortcuts.cli.Jtc;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.testing.Numpy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper: a small random GPT-2 made by the engine's numpy reference (gpt2_reference.py; GPT-2 exercises the
 * sub-module maps too), a corpus of random sentences its byte tokenizer reads, and the comparisons of two run
 * directories that the Spark fit must pass against {@code jtc fit}.
 */
final class TinyRuns {

    static final int LAYERS = 3, HIDDEN = 24, HEADS = 4, VOCAB = 260, POSITIONS = 64;
    private static final String[] WORDS = {"the", "council", "and", "parliament", "agree", "on", "a", "new", "budget",
            "for", "farmers", "in", "europe", "we", "must", "act", "now", "because", "of", "climate", "trade", "rules"};

    private TinyRuns() {
    }

    /** The model, in Hugging Face's layout with a byte-level tokenizer, in {@code dir}. */
    static Path model(Path dir) throws IOException, InterruptedException {
        Path script = Path.of("..", "engine", "src", "test", "python", "gpt2_reference.py").toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Numpy.run(script, List.of(dir.toString(), "--layers", "" + LAYERS, "--hidden", "" + HIDDEN, "--heads", "" + HEADS,
                "--vocab", "" + VOCAB, "--positions", "" + POSITIONS, "--sequences", "120", "--byte-tokenizer", "--seed", "7"));
        return dir;
    }

    /** 400 random sentences, one a line. */
    static Path sentences(Path file) throws IOException {
        Random random = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder s = new StringBuilder();
            while (s.length() < 20 + random.nextInt(30)) s.append(s.isEmpty() ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            lines.add(s + ".");
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** {@code jtc} in this JVM; fails the test unless it exits 0. */
    static void jtc(String... args) {
        int code = Jtc.execute(args);
        assertEquals(0, code, "jtc " + String.join(" ", args) + " exited with " + code);
    }

    /**
     * Every map of {@code run} predicts the validation rows as {@code reference}'s does to {@code tolerance}, relative in
     * the Frobenius norm (‖X·Aᵀ − X·Bᵀ‖ / ‖X·Bᵀ‖ with X the source's validation rows), and every r² of r2.csv is the
     * same to {@code tolerance}.
     */
    static void assertSameFit(Path reference, Path run, double tolerance) throws IOException {
        assertEquals(Files.readString(reference.resolve("samples.tsv")), Files.readString(run.resolve("samples.tsv")));
        try (SafetensorsFile a = SafetensorsFile.open(reference.resolve("maps.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(run.resolve("maps.safetensors"));
             SafetensorsFile states = SafetensorsFile.open(reference.resolve("states/val.safetensors"));
             SafetensorsFile theirStates = SafetensorsFile.open(run.resolve("states/val.safetensors"))) {
            assertEquals(a.names(), b.names());
            for (String state : states.names()) {
                assertTrue(relative(floats(theirStates.raw(state)), floats(states.raw(state))) <= tolerance, state);
            }
            for (String name : a.names()) {
                String[] p = name.split("\\.");
                String source = p[0].equals("A") ? "layer." + p[1] : point(Integer.parseInt(p[1]), Integer.parseInt(p[2]));
                float[] x = floats(states.raw(source));
                double error = relative(predict(x, floats(b.raw(name))), predict(x, floats(a.raw(name))));
                assertTrue(error <= tolerance, name + ": predictions differ by " + error + " (relative)");
            }
        }
        List<String> ours = Files.readAllLines(reference.resolve("r2.csv"));
        List<String> theirs = Files.readAllLines(run.resolve("r2.csv"));
        assertEquals(ours.size(), theirs.size());
        assertEquals(ours.getFirst(), theirs.getFirst());
        for (int i = 1; i < ours.size(); i++) {
            String[] o = ours.get(i).split(","), t = theirs.get(i).split(",");
            assertEquals(o[0] + "," + o[1], t[0] + "," + t[1]);
            for (int c = 2; c < 4; c++) assertEquals(Double.parseDouble(o[c]), Double.parseDouble(t[c]), tolerance, ours.get(i));
        }
    }

    /** The source state of P.b.a: point a of block b (points 0 and 6 are layers). */
    private static String point(int block, int point) {
        return point == 0 ? "layer." + block : "block." + block + ".point." + point;
    }

    private static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** X·Aᵀ for n rows of X (n × d) and A (d × d, y = A·x), in double. */
    private static double[] predict(float[] x, float[] a) {
        int d = HIDDEN, n = x.length / d;
        double[] y = new double[n * d];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < d; o++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += (double) a[o * d + k] * x[r * d + k];
                y[r * d + o] = s;
            }
        }
        return y;
    }

    private static double relative(double[] ours, double[] reference) {
        double diff = 0, norm = 0;
        for (int i = 0; i < ours.length; i++) {
            diff += (ours[i] - reference[i]) * (ours[i] - reference[i]);
            norm += reference[i] * reference[i];
        }
        return Math.sqrt(diff / norm);
    }

    private static double relative(float[] ours, float[] reference) {
        double[] a = new double[ours.length], b = new double[reference.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = ours[i];
            b[i] = reference[i];
        }
        return relative(a, b);
    }
}
