package dev.jtc.engine.generate;

import dev.jtc.engine.model.Gpt2;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Generation against numpy (src/test/python/gpt2_generate.py): the same small random GPT-2 checkpoint, greedy and
 * seeded sampling, each numpy token recomputed from the whole sequence without a cache in float64, sampling by
 * the algorithm as {@link SeededSampler} documents it.
 *
 * <p>Random GPT-2s tie their head to the embeddings, so greedy text soon repeats its last token; the checkpoint
 * seeds and prompts here are ones whose greedy text still changes token a few times within 20 steps.
 */
class GeneratorTest {

    static final int TOKENS = 20;
    /** Below this top-two logit gap (or draw margin) float32 rounding could flip a choice; see the messages. */
    static final double NEAR_TIE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void greedyTokensEqualNumpy() throws Exception {
        compareWithNumpy(40, new int[]{5, 17, 2, 40, 71, 9, 9, 33}, Sampler::greedy, List.of());
        compareWithNumpy(19, new int[]{5, 17, 2, 40, 71, 9, 9, 33}, Sampler::greedy, List.of());
    }

    @Test
    void seededSamplingTokensEqualNumpy() throws Exception {
        compareWithNumpy(40, new int[]{5, 17, 2, 40}, () -> Sampler.seeded(0.8, 10, 42),
                List.of("--temperature", "0.8", "--top-k", "10", "--seed", "42"));
        compareWithNumpy(19, new int[]{3}, () -> Sampler.seeded(1.5, 0, 5),
                List.of("--temperature", "1.5", "--top-k", "0", "--seed", "5"));
    }

    @Test
    void theSameSeedGivesTheSameTokens() throws Exception {
        Path model = checkpoint(40);
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config())) {
            int[] prompt = {1, 2, 3};
            int[] first = new Generator(gpt2, Sampler.seeded(2.0, 0, 99)).generate(prompt, TOKENS, OptionalInt.empty()).tokens();
            int[] again = new Generator(gpt2, Sampler.seeded(2.0, 0, 99)).generate(prompt, TOKENS, OptionalInt.empty()).tokens();
            int[] other = new Generator(gpt2, Sampler.seeded(2.0, 0, 100)).generate(prompt, TOKENS, OptionalInt.empty()).tokens();
            assertArrayEquals(first, again);
            assertFalse(Arrays.equals(first, other), "seeds 99 and 100 gave the same " + TOKENS + " tokens at temperature 2");
        }
    }

    @Test
    void stopsAtTheEndTokenWithoutKeepingIt() throws Exception {
        Path model = checkpoint(40);
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config())) {
            int[] prompt = {5, 17, 2, 40, 71, 9, 9, 33};
            Generation all = new Generator(gpt2, Sampler.greedy()).generate(prompt, TOKENS, OptionalInt.empty());
            assertEquals(Generation.Stop.MAX_TOKENS, all.stop());
            assertEquals(3.0, all.meanLayers(), "every token of plain generation runs the 3 blocks");
            assertEquals(TOKENS - 1, all.decodeNanos().length);
            int[] tokens = all.tokens();
            int end = tokens[3];
            int firstEnd = 0;
            while (tokens[firstEnd] != end) firstEnd++;
            Generation stopped = new Generator(gpt2, Sampler.greedy()).generate(prompt, TOKENS, OptionalInt.of(end));
            assertEquals(Generation.Stop.END_TOKEN, stopped.stop());
            assertArrayEquals(Arrays.copyOf(tokens, firstEnd), stopped.tokens());
            assertEquals(firstEnd, stopped.decodeNanos().length);
        }
    }

    /**
     * A decoder given to the generator runs the prompt, then each chosen token alone, in a sequence of the positions
     * they need; its layer counts are the generation's, and it is closed at the end.
     */
    @Test
    void aGivenDecoderRunsEveryTokenAndReportsItsLayers() throws Exception {
        Path model = checkpoint(40);
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config());
             Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate((long) gpt2.vocabSize() * Float.BYTES);
            List<int[]> runs = new ArrayList<>();
            int[] opened = new int[2];
            // Each run favours the token numbered by how many runs came before, and reports as many blocks.
            Decoder counting = new Decoder() {
                @Override
                public int run(int[] tokens) {
                    runs.add(tokens.clone());
                    logits.fill((byte) 0);
                    logits.setAtIndex(ValueLayout.JAVA_FLOAT, runs.size() + 10, 1f);
                    return runs.size();
                }

                @Override
                public MemorySegment logits() {
                    return logits;
                }

                @Override
                public void close() {
                    opened[1]++;
                }
            };
            Generation g = new Generator(gpt2, Sampler.greedy(), positions -> {
                opened[0] = positions;
                return counting;
            }).generate(new int[]{1, 2, 3}, 4, OptionalInt.empty());
            assertArrayEquals(new int[]{11, 12, 13, 14}, g.tokens());
            assertArrayEquals(new int[]{1, 2, 3, 4}, g.layers());
            assertEquals(2.5, g.meanLayers());
            assertEquals(List.of("[1, 2, 3]", "[11]", "[12]", "[13]"), runs.stream().map(Arrays::toString).toList());
            assertArrayEquals(new int[]{6, 1}, opened, "opened for 3 + 4 − 1 positions, and closed once");
        }
    }

    @Test
    void badRequestsAreOneSentence() throws Exception {
        Path model = checkpoint(40);
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config())) {
            Generator g = new Generator(gpt2, Sampler.greedy());
            assertEquals("the prompt's 40 tokens and 10 new tokens need 49 positions, more than the model's 48.",
                    assertThrows(IllegalArgumentException.class, () -> g.generate(new int[40], 10, OptionalInt.empty())).getMessage());
            assertEquals("the number of tokens to generate must be at least 1; got 0.",
                    assertThrows(IllegalArgumentException.class, () -> g.generate(new int[]{1}, 0, OptionalInt.empty())).getMessage());
            assertEquals("the prompt has no tokens; generation needs at least one.",
                    assertThrows(IllegalArgumentException.class, () -> g.generate(new int[0], 1, OptionalInt.empty())).getMessage());
            // 39 + 10 − 1 = 48 positions: exactly the model's, so it runs.
            assertEquals(10, g.generate(new int[39], 10, OptionalInt.empty()).tokens().length);
        }
    }

    private void compareWithNumpy(int seed, int[] prompt, java.util.function.Supplier<Sampler> sampler,
                                  List<String> samplingArgs) throws Exception {
        Path model = checkpoint(seed);
        List<String> args = new ArrayList<>(List.of(model.toString(), "--prompt",
                Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(",")), "--tokens", "" + TOKENS));
        args.addAll(samplingArgs);
        String[] lines = Numpy.run(Numpy.script("gpt2_generate.py"), args).strip().split("\n");
        int[] want = Arrays.stream(values(lines[0], "tokens")).mapToInt(Integer::parseInt).toArray();
        double[] gaps = Arrays.stream(values(lines[1], "gaps")).mapToDouble(Double::parseDouble).toArray();
        double[] margins = Arrays.stream(values(lines[2], "margins")).mapToDouble(Double::parseDouble).toArray();
        int[] have;
        try (Checkpoint ckpt = Checkpoint.open(model.toString()); Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config())) {
            have = new Generator(gpt2, sampler.get()).generate(prompt, TOKENS, OptionalInt.empty()).tokens();
        }
        int firstDifference = 0;
        while (firstDifference < TOKENS && firstDifference < have.length && have[firstDifference] == want[firstDifference]) firstDifference++;
        String closeness = margins.length == 0
                ? "numpy's top-two logit gap there is " + (firstDifference < TOKENS ? gaps[firstDifference] : Double.NaN)
                : "numpy's draw was " + (firstDifference < TOKENS ? margins[firstDifference] : Double.NaN)
                  + " of the total weight from the next token's interval";
        assertArrayEquals(want, have, "checkpoint seed " + seed + ": tokens differ first at step " + firstDifference + "; "
                + closeness + " (a difference below " + NEAR_TIE + " would be float32 rounding at a near-tie, "
                + "anything larger is a wrong model or sampler)");
        double smallest = Arrays.stream(margins.length == 0 ? gaps : margins).min().orElseThrow();
        // Equal tokens only prove something where no choice was a coin toss between float32 roundings.
        assertFalse(smallest < NEAR_TIE, "checkpoint seed " + seed + ": a choice was within " + smallest
                + " of a tie, so the comparison cannot tell rounding from error there; pick another seed");
    }

    private static String[] values(String line, String name) {
        String[] parts = line.strip().split(" ");
        assertEquals(name, parts[0], "reference output line: " + line);
        return Arrays.copyOfRange(parts, 1, parts.length);
    }

    private Path checkpoint(int seed) throws IOException, InterruptedException {
        Path out = dir.resolve("gpt2-seed-" + seed);
        if (!out.resolve("model.safetensors").toFile().exists()) {
            Numpy.run(Numpy.script("gpt2_reference.py"), List.of(out.toString(),
                    "--layers", "3", "--hidden", "48", "--heads", "4", "--vocab", "96", "--positions", "48",
                    "--sequences", "1", "--seed", "" + seed));
        }
        return out;
    }
}
