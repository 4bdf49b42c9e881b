package dev.jtc.bench.models;

import dev.jtc.shortcuts.exit.ShortcutExit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the exit benchmarks' passes did, summed over an iteration and reported by JMH beside the time: passes, the
 * layers they ran (so the mean exit layer is {@code exitLayers / passes}), the confidence checks and how many of them
 * the screen settled without the exact head.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ExitCounts {
    public long passes;
    public long exitLayers;
    public long checks;
    public long screened;

    @Setup(Level.Iteration)
    public void clear() {
        passes = exitLayers = checks = screened = 0;
    }

    /** Counts one pass; returns its exit layer. */
    int add(ShortcutExit.Outcome outcome) {
        passes++;
        exitLayers += outcome.exitLayer();
        checks += outcome.checks();
        screened += outcome.screened();
        return outcome.exitLayer();
    }
}
