package dev.jtc.bench.kernels;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The transformer's matmul shapes, {@code [T×k]·[k×n] + bias}, on the vector kernels with 1 and 2
 * threads. GFLOP/s = 2·T·k·n / time; bench/run-matmul computes it and sets it beside numpy/OpenBLAS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx2g"})
public class MatmulBench {

    /** {@code k x n}: attention QKV (768×2304), MLP up (768×3072), MLP down (3072×768) of GPT-2 small. */
    @Param({"768x2304", "768x3072", "3072x768"})
    public String shape;

    @Param({"1", "32", "128"})
    public int t;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private Kernels kernels;
    private PackedWeights weights;
    private MemorySegment a, bias, c;
    private int k, n;

    @Setup(Level.Trial)
    public void setUp() {
        String[] kn = shape.split("x");
        k = Integer.parseInt(kn[0]);
        n = Integer.parseInt(kn[1]);
        arena = Arena.ofShared();
        kernels = Kernels.vector(threads);
        SplittableRandom r = new SplittableRandom(42);
        MemorySegment w = random(arena, (long) k * n, r);
        weights = kernels.pack(w, k, n, Kernels.WeightLayout.IN_OUT);
        a = random(arena, (long) t * k, r);
        bias = random(arena, n, r);
        c = arena.allocate((long) t * n * Float.BYTES, 64);
    }

    private static MemorySegment random(Arena arena, long count, SplittableRandom r) {
        MemorySegment s = arena.allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment matmul() {
        kernels.matmul(a, 0, k, t, weights, bias, c, 0, n);
        return c;
    }
}
