package dev.jtc.bench.models;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
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

import java.util.concurrent.TimeUnit;

/**
 * Jlama 0.8.4's BERT forward, batch 1, on bert-base-uncased as {@code jtc convert} writes it
 * ({@code -Djtc.peers.bert}) and the token ids {@link BertForwardBench} gives ours and TensorFlow: the peer column
 * beside that benchmark. A speed figure only: Jlama's BERT does not compute BERT (its attention is causal, the
 * query and key weights are swapped and a residual is wrong), though it does the same amount of work. Its forward
 * needs a KV buffer: one for the trial, made before timing, which each call overwrites from position 0. Medians: the
 * p0.50 of the samples.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Djlama.force_panama_tensor_operations=true", "-XX:+UseParallelGC", "-Xmx3g"})
public class JlamaBertBench {

    @Param({"16", "64", "128", "512"})
    public int t;

    private AbstractModel model;
    private KvBufferCache caches;
    private KvBufferCache.KvBuffer cache;
    private int[] tokens;

    @Setup(Level.Trial)
    public void load() {
        model = JlamaModels.load(PeerProperties.directory("jtc.peers.bert"), AbstractModel.InferenceType.FORWARD_PASS);
        caches = new KvBufferCache(model);
        cache = caches.getEphemeralKvBuffer();
        tokens = BertForwardBench.tokens(t);
    }

    @Benchmark
    public long jlama() {
        try (AbstractTensor hidden = model.batchForward(tokens, 0, cache)) {
            return hidden.size();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cache.close();
        caches.close();
        model.close();
    }
}
