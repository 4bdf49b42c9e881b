package dev.jtc.bench.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The memory's streaming read bandwidth, the floor under a decode step: two threads (one per core here) each sum
 * their half of an off-heap float array far larger than the caches. GB/s = {@link #megabytes} MiB ÷ the time of one call (both halves are read at once).
 * A decode step must read every weight once, so weight bytes ÷ this is the fastest a step can be.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MemoryBandwidthBench {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** The array's size; the default is about the float32 weights of a GPT-2-small decode step. */
    @Param("512")
    public int megabytes;

    private Arena arena;
    private MemorySegment data;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        data = arena.allocate((long) megabytes << 20, 64);
        data.fill((byte) 1); // touch every page, so the timed reads find memory, not page faults
    }

    @Benchmark
    @Threads(2)
    public float streamTwoThreads(ThreadParams thread) {
        long half = data.byteSize() / thread.getThreadCount();
        return sum(thread.getThreadIndex() * half, half);
    }

    /**
     * Four sequential streams at once, a quarter of the range each: a single stream left bandwidth unused (one
     * thread reached 13.5 GB/s), as the hardware prefetcher keeps only a few lines in flight per stream.
     */
    private float sum(long from, long bytes) {
        long step = S.vectorByteSize(), quarter = bytes / 4 / step * step;
        long q1 = from + quarter, q2 = q1 + quarter, q3 = q2 + quarter;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (long o = 0; o < quarter; o += step) {
            s0 = s0.add(FloatVector.fromMemorySegment(S, data, from + o, NATIVE));
            s1 = s1.add(FloatVector.fromMemorySegment(S, data, q1 + o, NATIVE));
            s2 = s2.add(FloatVector.fromMemorySegment(S, data, q2 + o, NATIVE));
            s3 = s3.add(FloatVector.fromMemorySegment(S, data, q3 + o, NATIVE));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
