package dev.jtc.bench.models;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.builtin.BuiltinModels;
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
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * BERT-base-uncased forward latency, batch 1, all T positions attended, through the 12 encoder layers:
 * ours (vector kernels) against TensorFlow Java running the same SavedModel on the same token ids, in the
 * same JVM. TF fetches the last layer's output, which is exactly the work our {@code forward} does with no
 * taps. Run with bench/run-bert-forward; the report takes the median (p0.50) of the sampled times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx3g"})
public class BertForwardBench {

    static final String LAST_LAYER = "module_apply_tokens/bert/encoder/layer_11/output/LayerNorm/batchnorm/add_1:0";

    @Param({"16", "64", "128", "512"})
    public int t;

    private Checkpoint checkpoint;
    private Model ours;
    private Batch batch;
    private SavedModelBundle tf;
    private Session session;
    private TInt32 ids, mask, segments;

    @Setup(Level.Trial)
    public void setUp() {
        LocatedModel located = BuiltinModels.locate("bert-base-uncased").orElseThrow();
        checkpoint = Checkpoint.open(located);
        ours = Models.load(checkpoint.tensors(), checkpoint.config());
        int[] tokens = tokens(t);
        batch = Batch.of(tokens);
        tf = SavedModelBundle.load(located.directory().toString(), "serve");
        session = tf.session();
        int[] ones = new int[t];
        java.util.Arrays.fill(ones, 1);
        ids = TInt32.tensorOf(Shape.of(1, t), DataBuffers.of(tokens, true, false));
        mask = TInt32.tensorOf(Shape.of(1, t), DataBuffers.of(ones, true, false));
        segments = TInt32.tensorOf(Shape.of(1, t), DataBuffers.of(new int[t], true, false));
    }

    /** [CLS], t−2 ordinary word ids from a fixed seed, [SEP]. */
    static int[] tokens(int t) {
        SplittableRandom r = new SplittableRandom(42);
        int[] ids = new int[t];
        ids[0] = 101;
        for (int i = 1; i < t - 1; i++) ids[i] = 1996 + r.nextInt(27000);
        ids[t - 1] = 102;
        return ids;
    }

    @Benchmark
    public int ours() {
        return ours.forward(batch, Hooks.NONE);
    }

    @Benchmark
    public long tensorflow() {
        try (Result r = session.runner().feed("input_ids:0", ids).feed("input_mask:0", mask)
                .feed("segment_ids:0", segments).fetch(LAST_LAYER).run()) {
            return r.get(0).shape().size();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ids.close();
        mask.close();
        segments.close();
        tf.close();
        ours.close();
        checkpoint.close();
    }
}
