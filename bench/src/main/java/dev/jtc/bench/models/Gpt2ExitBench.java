package dev.jtc.bench.models;

import dev.jtc.engine.generate.Generation;
import dev.jtc.engine.generate.Generator;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.exit.ExitDecoder;
import dev.jtc.shortcuts.exit.KvFill;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * True early exit on a GPT-2-small-shaped model (random weights: no real GPT-2 is reachable from our machines, and
 * speed does not depend on the values): the time to predict the next token after {@link #WINDOWS} prompts of
 * {@link #LENGTH} tokens (validation sentences of the model's fit, run together), batch 1, under each λ of the
 * paper's mat grid, against the full pass ({@code full}); and greedy generation with a KV cache of
 * {@link #NEW_TOKENS} tokens after the first {@link #PROMPT} tokens of {@link #GENERATIONS} prompts, the skipped blocks' keys and
 * values recomputed lazily, timed per decoded token ({@link DecodeCounts}). The model and its fit come from
 * {@code -Djtc.gpt2.model} and {@code -Djtc.gpt2.run}; bench/run-exit makes both. {@link ExitCounts} reports the
 * prefill's exit layers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx4g"})
public class Gpt2ExitBench {

    /** Prompt length: the prefill at T = 128. */
    public static final int LENGTH = 128;
    /** Prompts each operation runs. */
    public static final int WINDOWS = 8;
    /** Generation: the prompts (the first of the windows), their length and the tokens generated after each. */
    public static final int GENERATIONS = 4, PROMPT = 16, NEW_TOKENS = 32;

    @Param({"full", "mat:-1.112", "mat:0.0", "mat:0.1", "mat:0.2", "mat:0.3", "mat:0.4", "mat:0.5", "mat:0.6", "mat:0.7",
            "mat:0.8", "mat:0.9", "mat:1.0", "mat:1.112"})
    public String rule;

    private ExitFixture fixture;
    private int[][] prompts;
    private Generator generator;

    @Setup(Level.Trial)
    public void setUp() {
        String modelDir = System.getProperty("jtc.gpt2.model");
        Path run = Path.of(System.getProperty("jtc.gpt2.run"));
        fixture = ExitFixture.open(modelDir, run, rule);
        prompts = prompts(fixture.validation());
        generator = ExitDecoder.generator(fixture.maps(), fixture.rule(), new KvFill.Recompute(), Sampler.greedy());
    }

    /** {@link #WINDOWS} prompts of {@link #LENGTH} tokens: the validation sentences' inputs, one after another. */
    static int[][] prompts(List<Sample> validation) {
        int[][] prompts = new int[WINDOWS][LENGTH];
        int sample = 0, token = 0;
        for (int[] prompt : prompts) {
            for (int i = 0; i < LENGTH; i++) {
                int[] input = validation.get(sample).input();
                prompt[i] = input[token++];
                if (token == input.length) {
                    token = 0;
                    sample = (sample + 1) % validation.size();
                }
            }
        }
        return prompts;
    }

    /** All {@link #WINDOWS} prompts; the counts go to {@link ExitCounts}. */
    @Benchmark
    public int prefill(ExitCounts counts) {
        int layers = 0;
        for (int[] prompt : prompts) layers += counts.add(fixture.exit().run(fixture.rule(), prompt, LENGTH - 1));
        return layers;
    }

    /** Greedy generation after the first {@link #PROMPT} tokens of {@link #GENERATIONS} prompts; the counts go to {@link DecodeCounts}. */
    @Benchmark
    public int decode(DecodeCounts counts) {
        int made = 0;
        for (int i = 0; i < GENERATIONS; i++) {
            Generation g = generator.generate(Arrays.copyOf(prompts[i], PROMPT), NEW_TOKENS, OptionalInt.empty());
            counts.add(g);
            made += g.tokens().length;
        }
        return made;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}
