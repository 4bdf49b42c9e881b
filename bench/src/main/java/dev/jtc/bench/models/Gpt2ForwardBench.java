package dev.jtc.bench.models;

import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;
import dev.jtc.engine.model.Models;
import dev.jtc.weights.Checkpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * GPT-2-small-shaped model (random weights; speed does not depend on the values), batch 1: ours against Jlama 0.8.4
 * on the same checkpoint and the same token ids. {@code prefill}: the {@link #PROMPT} prompt tokens through every
 * block into an empty KV cache, then ln_f and the head on the last position only. {@code decode}: after such a
 * prefill (not timed), {@link #DECODED} tokens one at a time, each fed the greedy choice of the step before, so
 * each attends to 128 to 135 earlier positions; the score is per token. Neither engine is timed making a cache: our
 * {@link KvCache} cannot be rewound, so each invocation gets a new one (and, for decode, its prefill) before the
 * timed call; Jlama's one buffer is overwritten position by position. The model comes from {@code -Djtc.peers.gpt2} (ours) and {@code -Djtc.peers.gpt2.jlama} (the same
 * weights with the config and tokenizer Jlama wants); bench/run-peers makes both. Medians: the p0.50 of the samples.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Djlama.force_panama_tensor_operations=true", "-XX:+UseParallelGC", "-Xmx4g"})
public class Gpt2ForwardBench {

    /** Prompt length: the prefill at T = 128, and the cached positions before the decoded tokens. */
    public static final int PROMPT = 128;
    /** Tokens decoded after each prefill; one sample's time is divided by this. */
    public static final int DECODED = 8;

    /** The prompt: {@code (17 + 7919·i) mod vocab}, a spread of ids that bench/gpt2_numpy.py writes the same way. */
    static int[] prompt(int vocab) {
        int[] tokens = new int[PROMPT];
        for (int i = 0; i < PROMPT; i++) tokens[i] = (int) ((17L + 7919L * i) % vocab);
        return tokens;
    }

    /** Our engine: {@code Gpt2.step} against a {@link KvCache}, logits into an off-heap row, greedy choice. */
    @State(Scope.Benchmark)
    public static class Ours {
        Checkpoint checkpoint;
        Gpt2 model;
        Arena arena;
        MemorySegment logits;
        int[] prompt;
        final Sampler greedy = Sampler.greedy();
        KvCache cache;
        int next;

        @Setup(Level.Trial)
        public void load() {
            checkpoint = Checkpoint.open(PeerProperties.directory("jtc.peers.gpt2").toString());
            model = (Gpt2) Models.load(checkpoint.tensors(), checkpoint.config());
            // Shared, so the head's matmul may hand rows of the logits to the kernels' worker threads.
            arena = Arena.ofShared();
            logits = arena.allocate((long) model.vocabSize() * Float.BYTES, 64);
            prompt = prompt(model.vocabSize());
        }

        /** Runs the prompt into a new cache; returns the greedy next token. */
        int prefill() {
            model.step(cache, prompt, logits, 0);
            return greedy.choose(logits, 0, model.vocabSize());
        }

        @TearDown(Level.Trial)
        public void close() {
            arena.close();
            model.close();
            checkpoint.close();
        }
    }

    /** An empty cache for each prefill. */
    @State(Scope.Thread)
    public static class OursEmpty {
        @Setup(Level.Invocation)
        public void make(Ours ours) {
            ours.cache = KvCache.of(ours.model, PROMPT);
        }

        @TearDown(Level.Invocation)
        public void drop(Ours ours) {
            ours.cache.close();
        }
    }

    /** A cache already holding the prompt, for each decode. */
    @State(Scope.Thread)
    public static class OursPrefilled {
        @Setup(Level.Invocation)
        public void make(Ours ours) {
            ours.cache = KvCache.of(ours.model, PROMPT + DECODED);
            ours.next = ours.prefill();
        }

        @TearDown(Level.Invocation)
        public void drop(Ours ours) {
            ours.cache.close();
        }
    }

    /**
     * Jlama's GPT-2 ({@link JlamaGpt2}) with one KV buffer for the whole trial: Jlama writes each position's keys and
     * values at the position it is given, so a prefill from position 0 and a decode from position {@link #PROMPT}
     * overwrite what the invocation before left, and every invocation sees the same cache as the first.
     */
    @State(Scope.Benchmark)
    public static class Jlama {
        JlamaGpt2 model;
        int[] prompt;
        KvBufferCache.KvBuffer cache;
        int next;

        @Setup(Level.Trial)
        public void load() {
            model = JlamaGpt2.load(PeerProperties.directory("jtc.peers.gpt2.jlama"));
            prompt = prompt(model.vocabSize());
            cache = model.newCache();
            next = model.prefill(cache, prompt);
        }

        @TearDown(Level.Trial)
        public void close() {
            cache.close();
            model.close();
        }
    }

    @Benchmark
    public int oursPrefill(Ours ours, OursEmpty empty) {
        return ours.prefill();
    }

    @Benchmark
    @OperationsPerInvocation(DECODED)
    public int oursDecode(Ours ours, OursPrefilled prefilled) {
        int token = ours.next;
        int[] one = new int[1];
        for (int i = 0; i < DECODED; i++) {
            one[0] = token;
            ours.model.step(ours.cache, one, ours.logits, 0);
            token = ours.greedy.choose(ours.logits, 0, ours.model.vocabSize());
        }
        return token;
    }

    @Benchmark
    public int jlamaPrefill(Jlama jlama) {
        return jlama.model.prefill(jlama.cache, jlama.prompt);
    }

    @Benchmark
    @OperationsPerInvocation(DECODED)
    public int jlamaDecode(Jlama jlama) {
        int token = jlama.next;
        for (int i = 0; i < DECODED; i++) token = jlama.model.decode(jlama.cache, token, PROMPT + i);
        return token;
    }
}
