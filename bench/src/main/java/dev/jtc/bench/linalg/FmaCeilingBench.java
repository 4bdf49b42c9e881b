package dev.jtc.bench.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The CPU's double-precision FMA ceiling as the Vector API reaches it: a register-only loop of 12
 * independent DoubleVector fma chains per thread (enough in flight to cover the FMA latency on every
 * pipe), on one thread and on two at once. GFLOP/s = threads · 2 · 12 · lanes · {@link #STEPS} / time.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaCeilingBench {

    /** fma steps per chain in one call. */
    public static final long STEPS = 50_000_000L;
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /** The double-precision FMA ceiling, one thread. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Threads(1)
    public double fmaCeilingOneThread() {
        return chains();
    }

    /** The double-precision FMA ceiling, two threads at once (one per core here). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Threads(2)
    public double fmaCeilingTwoThreads() {
        return chains();
    }

    /** 12 independent fma chains in registers: enough in flight to cover the FMA latency on two pipes. */
    private static double chains() {
        DoubleVector a = DoubleVector.broadcast(S, 1.0000001), b = DoubleVector.broadcast(S, 0.9999999);
        DoubleVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (long i = 0; i < STEPS; i++) {
            c0 = a.fma(c0, b); c1 = a.fma(c1, b); c2 = a.fma(c2, b); c3 = a.fma(c3, b);
            c4 = a.fma(c4, b); c5 = a.fma(c5, b); c6 = a.fma(c6, b); c7 = a.fma(c7, b);
            c8 = a.fma(c8, b); c9 = a.fma(c9, b); c10 = a.fma(c10, b); c11 = a.fma(c11, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
    }

    /** Prints the doubles per vector of the preferred species, which bench/run-solver needs for the flop count. */
    public static void main(String[] args) {
        System.out.println("lanes " + S.length());
    }
}
