package dev.jtc.shortcuts.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jtc fit} end to end on a small random GPT-2 (the GPT-2 path, sub-module maps included), checked against
 * numpy's float64 lstsq and an independent r² (fit_reference.py), against {@code jtc hidden}, and for
 * reproducibility: the same command in another JVM with one kernel thread writes the same bytes.
 */
class FitCommandTest {

    static final int LAYERS = 3, HIDDEN = 24, HEADS = 4, VOCAB = 260, POSITIONS = 64;
    static final String[] WORDS = {"the", "council", "and", "parliament", "agree", "on", "a", "new", "budget", "for",
            "farmers", "in", "europe", "we", "must", "act", "now", "because", "of", "climate", "trade", "rules", "is", "not"};

    @TempDir
    static Path dir;
    static Path model;
    static Path sentences;
    static Path run;

    @BeforeAll
    static void fitOnce() throws Exception {
        model = dir.resolve("tiny-gpt2");
        Files.createDirectories(model);
        TinyGpt2.create(model, "x", LAYERS, HIDDEN, HEADS, VOCAB, POSITIONS);
        sentences = writeSentences(dir.resolve("sentences.txt"));
        run = dir.resolve("run");
        TinyGpt2.Result r = fit(run);
        assertEquals(0, r.code(), r.err());
    }

    /** 400 random sentences of {@link #WORDS}, one a line: a corpus the tiny model's byte tokenizer reads. */
    static Path writeSentences(Path file) throws IOException {
        Random random = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder s = new StringBuilder();
            while (s.length() < 20 + random.nextInt(30)) s.append(s.isEmpty() ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            lines.add(s + ".");
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static TinyGpt2.Result fit(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("fit", "--model", model.toString(), "--sentences", sentences.toString(),
                "--train", "200", "--val", "60", "--keep-train-states", "--out", out.toString()));
        args.addAll(List.of(extra));
        return TinyGpt2.jtc(args.toArray(String[]::new));
    }

    @Test
    void writesEveryMapAndState() throws IOException {
        for (String f : List.of("settings.json", "samples.tsv", "maps.safetensors", "states/val.safetensors",
                "states/train.safetensors", "r2.csv", "r2_parts.csv", "r2_scores.png", "r2_scores.svg", "fit.json")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        try (SafetensorsFile maps = SafetensorsFile.open(run.resolve("maps.safetensors"))) {
            // 6 layer pairs for L = 3, and 6 sub-module maps per block.
            assertEquals(LAYERS * (LAYERS + 1) / 2 + 6 * LAYERS, maps.names().size(), maps.names().toString());
            assertArrayEquals(new long[]{HIDDEN, HIDDEN}, maps.info("A.0.3").shape());
            assertArrayEquals(new long[]{HIDDEN, HIDDEN}, maps.info("P.2.5").shape());
            assertEquals("200", maps.metadata().get("n_train"));
            assertEquals("60", maps.metadata().get("n_val"));
        }
        try (SafetensorsFile val = SafetensorsFile.open(run.resolve("states/val.safetensors"))) {
            assertArrayEquals(new long[]{60, HIDDEN}, val.info("layer.3").shape());
            assertArrayEquals(new long[]{60, HIDDEN}, val.info("block.1.point.4").shape());
        }
        List<String> r2 = Files.readAllLines(run.resolve("r2.csv"));
        assertEquals("source,target,mat,id", r2.getFirst());
        assertEquals(1 + LAYERS * (LAYERS + 1) / 2, r2.size());
        JsonNode report = new ObjectMapper().readTree(run.resolve("fit.json").toFile());
        assertEquals(LAYERS + 5 * LAYERS, report.path("stages").path("collect").path("sources").size());
    }

    @Test
    void mapsAndR2AgreeWithNumpy() throws Exception {
        assertAgreesWithNumpy(run);
    }

    @Test
    void affineAndRidgeMapsAgreeWithNumpy() throws Exception {
        Path affine = dir.resolve("affine-ridge");
        TinyGpt2.Result r = fit(affine, "--intercept", "--ridge", "0.5");
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile maps = SafetensorsFile.open(affine.resolve("maps.safetensors"))) {
            assertArrayEquals(new long[]{HIDDEN}, maps.info("b.0.3").shape());
            assertArrayEquals(new long[]{HIDDEN}, maps.info("Pb.1.2").shape());
            assertEquals("0.5", maps.metadata().get("ridge"));
        }
        assertAgreesWithNumpy(affine);
    }

    private static void assertAgreesWithNumpy(Path run) throws Exception {
        String output = Numpy.run(Numpy.script("fit_reference.py"), List.of(run.toString())).trim();
        JsonNode result = new ObjectMapper().readTree(output.substring(output.lastIndexOf('{')));
        assertEquals(LAYERS * (LAYERS + 1) / 2 + 6 * LAYERS, result.path("maps").asInt(), output);
        assertEquals(LAYERS * (LAYERS + 1) / 2, result.path("r2_rows").asInt(), output);
        assertTrue(result.path("worst_relative_prediction_difference").asDouble() <= 1e-5, output);
        assertTrue(result.path("worst_r2_difference").asDouble() <= 1e-6, output);
    }

    @Test
    void collectedStatesEqualJtcHiddenAtTheChosenToken() throws IOException {
        List<String> samples = Files.readAllLines(run.resolve("samples.tsv"));
        List<String[]> validation = new ArrayList<>();
        for (String line : samples.subList(1, samples.size())) {
            String[] f = line.split("\t", -1);
            if (f[0].startsWith("val")) validation.add(f);
        }
        assertEquals(60, validation.size());
        try (SafetensorsFile val = SafetensorsFile.open(run.resolve("states/val.safetensors"))) {
            for (int row : new int[]{0, 17, 59}) {
                String[] f = validation.get(row);
                int position = Integer.parseInt(f[3]);
                Path hidden = dir.resolve("hidden-" + row + ".safetensors");
                TinyGpt2.Result r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", f[5], "--out", hidden.toString());
                assertEquals(0, r.code(), r.err());
                try (SafetensorsFile h = SafetensorsFile.open(hidden)) {
                    assertRowEquals(h.raw("embed"), position, val.raw("layer.0"), row, "layer 0");
                    for (int b = 0; b < LAYERS; b++) {
                        assertRowEquals(h.raw("layer." + b + ".block_out"), position, val.raw("layer." + (b + 1)), row, "layer " + (b + 1));
                        assertRowEquals(h.raw("layer." + b + ".attn"), position, val.raw("block." + b + ".point.2"), row, "attn " + b);
                    }
                }
            }
        }
    }

    @Test
    void sameBytesWithOneOrTwoThreadsAndWhateverTheJitHasCompiled() throws Exception {
        // In this JVM the kernels are warm by now; the subprocesses start cold, one of them on C1 alone.
        Path warm = dir.resolve("warm");
        assertEquals(0, fit(warm).code());
        assertSameOutputs(run, warm);
        for (List<String> flags : List.of(List.of("-Djtc.threads=1"), List.of("-Djtc.threads=2", "-XX:TieredStopAtLevel=1"))) {
            Path other = dir.resolve("jvm" + String.join("", flags).replaceAll("[^a-zA-Z0-9]", ""));
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true"));
            command.addAll(flags);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Jtc.class.getName(), "fit", "--model", model.toString(),
                    "--sentences", sentences.toString(), "--train", "200", "--val", "60", "--keep-train-states", "--out", other.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            assertSameOutputs(run, other);
        }
    }

    @Test
    void resumesFinishedStagesAndRefusesOtherSettings() throws Exception {
        Path resumed = dir.resolve("resumed");
        assertEquals(0, fit(resumed).code());
        JsonNode before = new ObjectMapper().readTree(resumed.resolve("fit.json").toFile()).path("stages").path("collect");
        byte[] table = Files.readAllBytes(resumed.resolve("r2.csv"));
        Files.delete(resumed.resolve("r2.csv"));
        Files.writeString(resumed.resolve(".maps.safetensors.1.x.tmp"), "left by a killed run");
        assertEquals(0, fit(resumed).code());
        JsonNode after = new ObjectMapper().readTree(resumed.resolve("fit.json").toFile()).path("stages").path("collect");
        assertEquals(before, after, "collection ran again although its outputs were complete");
        assertArrayEquals(table, Files.readAllBytes(resumed.resolve("r2.csv")));
        assertTrue(Files.notExists(resumed.resolve(".maps.safetensors.1.x.tmp")), "temporary file left behind");

        TinyGpt2.Result other = fit(resumed, "--seed", "1");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("other settings (seed 0, now 1)") && other.err().contains("--force"), other.err());
        assertEquals(0, fit(resumed, "--seed", "1", "--force").code());
        assertTrue(new ObjectMapper().readTree(resumed.resolve("settings.json").toFile()).path("seed").asText().equals("1"));
    }

    @Test
    void badOptionsGetOneSentence() {
        TinyGpt2.Result tooMany = TinyGpt2.jtc("fit", "--model", model.toString(), "--sentences", sentences.toString(),
                "--train", "390", "--val", "60", "--out", dir.resolve("bad").toString());
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("390") && tooMany.err().lines().count() == 1, tooMany.err());
        TinyGpt2.Result paper = TinyGpt2.jtc("fit", "--model", model.toString(), "--sentences", sentences.toString(),
                "--sampling", "paper", "--out", dir.resolve("bad").toString());
        assertEquals(2, paper.code());
        assertTrue(paper.err().contains("--sampling paper"), paper.err());
        TinyGpt2.Result ridge = TinyGpt2.jtc("fit", "--model", model.toString(), "--sentences", sentences.toString(),
                "--ridge", "-1", "--out", dir.resolve("bad").toString());
        assertEquals(2, ridge.code());
        assertTrue(ridge.err().contains("--ridge"), ridge.err());
    }

    private static void assertSameOutputs(Path expected, Path actual) throws IOException {
        List<String> differ = new ArrayList<>();
        for (String f : List.of("samples.tsv", "states/train.safetensors", "states/val.safetensors", "maps.safetensors", "r2.csv", "r2_parts.csv")) {
            if (!java.util.Arrays.equals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)))) differ.add(f);
        }
        assertEquals(List.of(), differ, "files that differ between " + expected + " and " + actual);
    }

    private static void assertRowEquals(MemorySegment hidden, int position, MemorySegment states, int row, String what) {
        for (int k = 0; k < HIDDEN; k++) {
            float expected = hidden.getAtIndex(ValueLayout.JAVA_FLOAT, (long) position * HIDDEN + k);
            float actual = states.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * HIDDEN + k);
            // Bit for bit: a row's arithmetic does not depend on the other sentences of its batch.
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    what + " of validation row " + row + ", element " + k + ": " + expected + " vs " + actual);
        }
    }
}
