package dev.jtc.bench.models;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.weights.Checkpoint;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Forward time of one sequence of {@code t} random token ids against sequence length, model size and the size of
 * the kernels' thread team, on random checkpoints of the published GPT-2 and BERT shapes ({@link ScalingCheckpoints}).
 * The timed call is {@code Model.forward(batch, Hooks.NONE)}: embeddings and blocks, no final norm and no head, for
 * GPT-2 as for BERT, so that the two families' rows count the same work.
 *
 * <p>Every (model, t, threads) trial gets a fork of its own, so only one model is ever in memory. The packed
 * weights live off the heap (native segments, which -Xmx does not limit), so the fork's heap stays small while its
 * resident size is about twice the checkpoint: the packed copy plus the mapped file's pages (gpt2-xl: 12.6 GB, 6.2 GB
 * of it page cache the kernel may reclaim). SampleTime with time-bounded iterations keeps many samples of a 20 ms
 * pass and still one whole call per iteration of a 5 s one; bench/scaling_table.py reports the median.
 * The models directory comes from {@code -Djtc.scaling.models} (bench/run-scaling sets it and writes the models).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A fresh fork's first passes run the Vector API before C2 has compiled it, many times slower (gpt2 at T = 128: the
// first warm-up iteration 4.8 s a pass, later ones 0.3 s): three warm-up iterations let C2 finish, and an odd count of
// measured ones makes the median of a row with one pass an iteration a whole pass.
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx1g"})
public class ScalingBench {

    static final String MODELS = "jtc.scaling.models";

    /** One of {@link ScalingCheckpoints#NAMES}. */
    @Param({"gpt2"})
    public String model;

    @Param({"128"})
    public int t;

    /** The kernels' team, the calling thread included. */
    @Param({"1", "2"})
    public int threads;

    private Checkpoint checkpoint;
    private Kernels kernels;
    private Model forward;
    private Batch batch;

    @Setup(Level.Trial)
    public void setUp() {
        String models = System.getProperty(MODELS);
        if (models == null) {
            throw new IllegalStateException("-D" + MODELS + " is not set; run ScalingBench through bench/run-scaling, "
                    + "which writes the random models and names their directory.");
        }
        checkpoint = Checkpoint.open(ScalingCheckpoints.directory(Path.of(models), model).toString());
        kernels = Kernels.vector(threads);
        forward = Models.load(checkpoint.tensors(), checkpoint.config(), kernels);
        batch = Batch.of(tokens(t, checkpoint.config().vocabSize()));
    }

    /** Token ids from a fixed seed: the work of a pass does not depend on which ids they are. */
    static int[] tokens(int t, int vocabSize) {
        return new SplittableRandom(42).ints(t, 0, vocabSize).toArray();
    }

    @Benchmark
    public int forward() {
        return forward.forward(batch, Hooks.NONE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forward.close();
        kernels.close();
        checkpoint.close();
    }
}
