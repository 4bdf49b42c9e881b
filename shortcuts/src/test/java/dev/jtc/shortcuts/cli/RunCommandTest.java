package dev.jtc.shortcuts.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.model.TopTwo;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.ExitSweep;
import dev.jtc.shortcuts.exit.ExitThreshold;
import dev.jtc.shortcuts.exit.LambdaGrid;
import dev.jtc.shortcuts.exit.ShortcutExit;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.mappings.MappingPredictions;
import dev.jtc.shortcuts.mappings.PredictionsFile;
import dev.jtc.shortcuts.mappings.ValidationPredictions;
import dev.jtc.shortcuts.report.HeadlessChromium;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jtc run} end to end on a small random GPT-2: all five mappings decoded, the results' files and figures
 * written, and the decoded predictions recomputed independently in numpy from the model's weights, the fit's maps
 * and states (predictions_reference.py; for the part mappings by a numpy forward pass with the maps swapped in).
 */
class RunCommandTest {

    static final int LAYERS = 3, HIDDEN = 24, HEADS = 4, VOCAB = 260, POSITIONS = 64;

    @TempDir
    static Path dir;
    static Path model;
    static Path sentences;
    static Path run;
    static TinyGpt2.Result first;

    @BeforeAll
    static void runOnce() throws Exception {
        model = dir.resolve("tiny-gpt2");
        Files.createDirectories(model);
        TinyGpt2.create(model, "x", LAYERS, HIDDEN, HEADS, VOCAB, POSITIONS);
        sentences = FitCommandTest.writeSentences(dir.resolve("sentences.txt"));
        run = dir.resolve("run");
        first = jtcRun(run);
        assertEquals(0, first.code(), first.err());
    }

    static TinyGpt2.Result jtcRun(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--model", model.toString(), "--sentences", sentences.toString(),
                "--train", "200", "--val", "60", "--out", out.toString()));
        args.addAll(List.of(extra));
        return TinyGpt2.jtc(args.toArray(String[]::new));
    }

    @Test
    void writesEveryResultFigureAndTheReport() throws IOException {
        for (String name : List.of("predictions.safetensors", "metrics.csv", "early_exit.csv", "summary.json", "report.html",
                "r2_scores.png", "pre.png", "pre.svg", "surp.png", "kl.png", "ee_pre1.png", "parts_pre1.png", "parts_pre5.png",
                "parts_pre10.png", "parts_surp.png")) {
            assertTrue(Files.size(run.resolve(name)) > 0, name);
        }
        assertTrue(first.out().contains("report: " + run.resolve("report.html")), first.out());
        assertTrue(first.out().contains("mat saves"), first.out());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(0.95, summary.path("headline").path("retention").asDouble());
        assertEquals(7.9, summary.path("headline").path("paper_saving_percent_of_layers").asDouble());
        assertTrue(summary.path("timings").path("decode").asDouble() > 0);
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("mapping,layer,metric,k,value,lo,hi", metrics.getFirst());
        // 5 mappings × (L+1) layers × (3 precisions + surprisal + KL)
        assertEquals(5 * (LAYERS + 1) * 5, metrics.size() - 1);
        // id's 22 λ and mat's 13 (docs/method.md §7)
        assertEquals(1 + 22 + 13, Files.readAllLines(run.resolve("early_exit.csv")).size());
    }

    @Test
    void predictionsAgreeWithNumpy() throws Exception {
        String output = Numpy.run(Numpy.script("predictions_reference.py"), List.of(run.toString(), model.toString(), "12")).trim();
        JsonNode r = new ObjectMapper().readTree(output);
        assertEquals(60, r.path("rows").asInt(), output);
        assertEquals(12, r.path("part_rows").asInt(), output);
        assertEquals(0, r.path("top10_mismatch").asInt(), output);
        assertEquals(0, r.path("top1_mismatch").asInt(), output);
        assertTrue(r.path("probability").asDouble() < 2e-5, output);
        assertTrue(r.path("kl").asDouble() < 2e-5, output);
    }

    @Test
    void everyMappingIsTheFullModelAtLayerL() {
        ValidationPredictions p = PredictionsFile.read(run.resolve("predictions.safetensors"));
        assertEquals(List.of(Mapping.ID, Mapping.MAT, Mapping.MAT_ATTN, Mapping.MAT_FFN, Mapping.MAT_LN),
                p.mappings().stream().map(MappingPredictions::mapping).toList());
        int n = p.full().rows();
        int[] fullTop1 = new int[n];
        for (int r = 0; r < n; r++) fullTop1[r] = p.full().top10()[r][0];
        for (MappingPredictions m : p.mappings()) {
            assertArrayEquals(fullTop1, m.top1()[LAYERS], m.mapping().key());
            for (int r = 0; r < n; r++) {
                assertEquals(0f, m.kl()[LAYERS][r], m.mapping().key());
                assertEquals(m.pTop1()[LAYERS][r], m.pFullOfTop1()[LAYERS][r], m.mapping().key());
            }
        }
        // The part mappings really replace something: below layer L they differ from the full model somewhere.
        for (Mapping part : List.of(Mapping.MAT_ATTN, Mapping.MAT_FFN, Mapping.MAT_LN)) {
            float klSum = 0;
            for (int r = 0; r < n; r++) klSum += p.of(part).kl()[0][r];
            assertNotEquals(0f, klSum, part.key());
        }
    }

    @Test
    void secondRunReusesThePredictionsAndGivesTheSameTables() throws IOException {
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));
        byte[] sweep = Files.readAllBytes(run.resolve("early_exit.csv"));
        var decoded = Files.getLastModifiedTime(run.resolve("predictions.safetensors"));
        TinyGpt2.Result again = jtcRun(run);
        assertEquals(0, again.code(), again.err());
        assertEquals(decoded, Files.getLastModifiedTime(run.resolve("predictions.safetensors")));
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.csv")));
        assertArrayEquals(sweep, Files.readAllBytes(run.resolve("early_exit.csv")));
    }

    @Test
    void theReportOpensInChromiumWithEveryFigureDecoded(@TempDir Path profile) throws IOException {
        try (HeadlessChromium chromium = HeadlessChromium.start(profile)) {
            HeadlessChromium.PageCheck check = chromium.open(run.resolve("report.html"));
            // r2_scores, pre, surp, kl, parts_pre1/5/10, parts_surp, ee_pre1
            assertEquals(9, check.images(), check.toString());
            assertEquals(List.of(), check.consoleErrors());
            assertEquals(List.of(), check.undecodedImages());
            Path screenshot = Path.of(System.getProperty("basedir", "."), "target", "report-screenshot", "report-tiny-gpt2-run.png");
            Files.createDirectories(screenshot.getParent());
            chromium.screenshot(screenshot);
            assertTrue(Files.size(screenshot) > 10_000, screenshot.toString());
        }
    }

    /**
     * The true early exit (engine stops after the block where the rule fires) against the simulation of the same
     * rule on predictions.safetensors: every row stops at the same layer and predicts the same top-1 with the same
     * probability bits, for every λ of the paper's grids, and a fixed exit equals decoding the tapped state.
     */
    @Test
    void trueEarlyExitStopsWhereTheSimulationSaysBitForBit() {
        ValidationPredictions p = PredictionsFile.read(run.resolve("predictions.safetensors"));
        try (Checkpoint checkpoint = Checkpoint.open(model.toString());
             Model m = Models.load(checkpoint.tensors(), checkpoint.config());
             ExitMaps maps = ExitMaps.load(m, model.toString(), run.resolve("maps.safetensors"));
             Arena arena = Arena.ofShared()) {
            assertEquals(ExitThreshold.meanLength(p.full()), maps.meanLength());
            List<Sample> validation = SamplesFile.read(run.resolve("samples.tsv"), Tokenizers.load(model), m.config().architecture(),
                    m.maxPositions()).validation();
            ShortcutExit exit = new ShortcutExit(maps, arena);
            for (Mapping mapping : List.of(Mapping.ID, Mapping.MAT)) {
                MappingPredictions decoded = p.of(mapping);
                for (double lambda : LambdaGrid.paper(mapping)) {
                    ExitRule rule = new ExitRule.Confidence(mapping, lambda);
                    int[] simulated = ExitSweep.exitLayers(p, mapping, lambda);
                    for (int r = 0; r < validation.size(); r++) {
                        int[] input = validation.get(r).input();
                        ShortcutExit.Outcome o = exit.run(rule, input, input.length - 1);
                        String where = mapping.key() + " λ=" + lambda + " row " + r;
                        assertEquals(simulated[r], o.exitLayer(), where);
                        TopTwo top = TopTwo.of(m.kernels(), o.logits(), 0, m.vocabSize());
                        assertEquals(decoded.top1()[o.exitLayer()][r], top.top1(), where);
                        assertEquals(decoded.pTop1()[o.exitLayer()][r], top.probability1(), 0f, where);
                    }
                }
            }
            ExitRule fixed = ExitRule.fixed(1);
            for (int r = 0; r < validation.size(); r++) {
                int[] input = validation.get(r).input();
                ShortcutExit.Outcome o = exit.run(fixed, input, input.length - 1);
                assertEquals(1, o.exitLayer());
                TopTwo top = TopTwo.of(m.kernels(), o.logits(), 0, m.vocabSize());
                assertEquals(p.of(Mapping.MAT).pTop2()[1][r], top.probability2(), 0f, "fixed exit at 1, row " + r);
            }
        }
    }

    @Test
    void exitMapsOfAnotherModelAreRefused() {
        try (Checkpoint checkpoint = Checkpoint.open(model.toString());
             Model m = Models.load(checkpoint.tensors(), checkpoint.config())) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ExitMaps.load(m, "gpt2", run.resolve("maps.safetensors")));
            assertTrue(e.getMessage().endsWith("holds the maps of " + model + ", not of gpt2."), e.getMessage());
        }
        IllegalArgumentException lambda = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExitRule.parse("mat:1.5"));
        assertTrue(lambda.getMessage().contains("outside the paper's range"), lambda.getMessage());
    }

    @Test
    void predictWithExitPrintsTheExitLayerBesideTheFullModel() {
        String maps = run.resolve("maps.safetensors").toString();
        TinyGpt2.Result fixed = TinyGpt2.jtc("predict", "--model", model.toString(), "--maps", maps, "--exit", "layer:1",
                "--compare", "the", "council", "and");
        assertEquals(0, fixed.code(), fixed.err());
        assertTrue(fixed.out().contains("early exit (layer:1): after 1 of 3 blocks"), fixed.out());
        assertTrue(fixed.out().contains("full model: 3 blocks"), fixed.out());
        TinyGpt2.Result never = TinyGpt2.jtc("predict", "--model", model.toString(), "--maps", maps, "--exit", "mat:1.112",
                "the council and");
        assertEquals(0, never.code(), never.err());
        assertTrue(never.out().contains("after 3 of 3 blocks"), never.out());
        TinyGpt2.Result noMaps = TinyGpt2.jtc("predict", "--model", model.toString(), "--exit", "mat:0.5", "the");
        assertNotEquals(0, noMaps.code());
        assertTrue(noMaps.err().contains("--exit and --maps go together"), noMaps.err());
        TinyGpt2.Result lambda = TinyGpt2.jtc("predict", "--model", model.toString(), "--maps", maps, "--exit", "mat:2", "the");
        assertNotEquals(0, lambda.code());
        assertTrue(lambda.err().contains("outside the paper's range"), lambda.err());
    }

    @Test
    void badResultOptionsGetOneSentence() {
        TinyGpt2.Result retention = jtcRun(dir.resolve("bad"), "--retention", "1.5");
        assertNotEquals(0, retention.code());
        assertTrue(retention.err().contains("--retention must be in (0, 1], got 1.5."), retention.err());
        TinyGpt2.Result bootstrap = jtcRun(dir.resolve("bad"), "--bootstrap", "10");
        assertNotEquals(0, bootstrap.code());
        assertTrue(bootstrap.err().contains("--bootstrap needs at least 100 resamples"), bootstrap.err());
    }
}
