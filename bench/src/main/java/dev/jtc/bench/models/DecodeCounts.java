package dev.jtc.bench.models;

import dev.jtc.engine.generate.Generation;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The decode steps of the generation benchmark, summed over an iteration and reported by JMH beside the time: the
 * tokens decoded (each after the first, which the prefill chose), the blocks their steps ran up to (the exit layer
 * of each, so the mean is {@code layers / tokens}) and the nanoseconds of those steps alone, without the prefill.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class DecodeCounts {
    public long tokens;
    public long layers;
    public long nanos;

    @Setup(Level.Iteration)
    public void clear() {
        tokens = layers = nanos = 0;
    }

    void add(Generation g) {
        long[] steps = g.decodeNanos();
        int[] exits = g.layers();
        for (int i = 0; i < steps.length; i++) {
            tokens++;
            layers += exits[i + 1];
            nanos += steps[i];
        }
    }
}
