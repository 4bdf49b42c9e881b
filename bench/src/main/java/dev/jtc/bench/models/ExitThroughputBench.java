package dev.jtc.bench.models;

import dev.jtc.shortcuts.Prediction;
import dev.jtc.shortcuts.Shortcuts;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.tokenizer.Tokenizers;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The library API as a service uses it: masked-token predictions per second from one {@link Shortcuts} shared by
 * all of JMH's threads (run with {@code -t 1} and {@code -t 2}), each call a validation sentence of the run in turn,
 * under the full model and under the paper's rule at the λ of the README's headline; with {@code -prof gc} JMH
 * adds the bytes allocated per call ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Long warm-up: a call takes tens of milliseconds, and some kernels reach C2 only after several hundred calls
// (until then their vectors are boxed and a call allocates hundreds of kilobytes).
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 4, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx4g"})
public class ExitThroughputBench {

    @Param({"layer:12", "mat:1.0"})
    public String rule;

    private Shortcuts shortcuts;
    private ExitRule exitRule;
    private int[][] inputs;

    @Setup(Level.Trial)
    public void setUp() {
        Path run = Path.of(System.getProperty("jtc.run", "runs/bert-base-uncased-europarl-en-0"));
        shortcuts = Shortcuts.load("bert-base-uncased", run.resolve("maps.safetensors"));
        exitRule = ExitRule.parse(rule);
        List<Sample> validation = SamplesFile.read(run.resolve("samples.tsv"), Tokenizers.load(TokenizerFiles.locate("bert-base-uncased")),
                shortcuts.model().config().architecture(), shortcuts.model().maxPositions()).validation();
        inputs = new int[64][];
        for (int i = 0; i < inputs.length; i++) inputs[i] = validation.get(i).input();
    }

    /** Each thread walks the sentences from its own start. */
    @State(Scope.Thread)
    public static class Cursor {
        private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();
        int next = STARTS.getAndAdd(17);
    }

    @Benchmark
    public Prediction predict(Cursor cursor) {
        int i = cursor.next++ & 63;
        return shortcuts.predictMasked(inputs[i], exitRule);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        shortcuts.close();
    }
}
