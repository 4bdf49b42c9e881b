package dev.jtc.bench.models;

import dev.jtc.engine.model.Sequence;
import dev.jtc.shortcuts.corpus.Sample;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * True early exit on bert-base-uncased: the time to predict the masked token of {@link #SENTENCES} validation
 * sentences of a {@code jtc run}, each right-padded to {@link #length} tokens (the first ones that fit; padding is
 * masked out of attention, so the exits and predictions are those of the sentence alone, while every block does the
 * work of {@code length} positions), batch 1, under each λ of the paper's mat grid, against the full pass over the
 * same inputs ({@code full}: no checks, the model's head at the masked row). {@link ExitCounts} reports the exit
 * layers and how many checks the confidence screen settled. Run with bench/run-exit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx4g"})
public class BertExitBench {

    /** Validation sentences each operation runs: the table's mean exit layer is over the same ones. */
    public static final int SENTENCES = 16;

    @Param({"full", "mat:-1.112", "mat:0.0", "mat:0.1", "mat:0.2", "mat:0.3", "mat:0.4", "mat:0.5", "mat:0.6", "mat:0.7",
            "mat:0.8", "mat:0.9", "mat:1.0", "mat:1.112"})
    public String rule;

    @Param({"16", "64", "128"})
    public int length;

    private ExitFixture fixture;
    private Sequence[] inputs;
    private int[] rows;

    @Setup(Level.Trial)
    public void setUp() {
        Path run = Path.of(System.getProperty("jtc.run", "runs/bert-base-uncased-europarl-en-0"));
        fixture = ExitFixture.open("bert-base-uncased", run, rule);
        List<Sample> fitting = new ArrayList<>();
        for (Sample s : fixture.validation()) if (s.input().length <= length && fitting.size() < SENTENCES) fitting.add(s);
        if (fitting.size() < SENTENCES) {
            throw new IllegalStateException("only " + fitting.size() + " validation sentences of " + run + " fit in " + length + " tokens.");
        }
        inputs = new Sequence[SENTENCES];
        rows = new int[SENTENCES];
        for (int i = 0; i < SENTENCES; i++) {
            int[] tokens = java.util.Arrays.copyOf(fitting.get(i).input(), length); // [PAD] is id 0
            inputs[i] = Sequence.padded(tokens, fitting.get(i).input().length);
            rows[i] = fitting.get(i).position();
        }
    }

    /** All {@link #SENTENCES} sentences; the counts go to {@link ExitCounts}. */
    @Benchmark
    public int sentences(ExitCounts counts) {
        int layers = 0;
        for (int i = 0; i < SENTENCES; i++) layers += counts.add(fixture.exit().run(fixture.rule(), inputs[i], rows[i]));
        return layers;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}
