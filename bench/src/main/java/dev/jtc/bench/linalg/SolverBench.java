package dev.jtc.bench.linalg;

import dev.jtc.engine.linalg.DenseKernels;
import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.linalg.LeastSquaresSolution;
import dev.jtc.engine.linalg.TsqrAccumulator;
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
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The paper's whole fit for BERT-base: every map A_{j,i}, 0 ≤ i < j ≤ 12 (78 maps, d = 768), from
 * {@link #rows} float32 rows per layer, on 1 and 2 threads: 12 streaming accumulators (one per source,
 * all its targets at once) fed 128 rows at a time in a fixed order, as the paper's pipeline feeds them,
 * then 12 solves. bench/run-solver sets it beside {@link EjmlPairBench}, numpy's lstsq
 * (bench/solver_numpy.py) and the FMA ceiling ({@link FmaCeilingBench}).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx10g"})
public class SolverBench {

    static final int LAYERS = 12, WIDTH = 768, BLOCK = 128;

    @Param({"9000"})
    public int rows;

    @Param({"1", "2"})
    public int threads;

    private MemorySegment[] layers;
    private DenseKernels kernels;

    @Setup(Level.Trial)
    public void setUp() {
        float[][] generated = SyntheticLayers.generate(LAYERS + 1, rows, WIDTH, 42);
        layers = new MemorySegment[LAYERS + 1];
        for (int l = 0; l <= LAYERS; l++) layers[l] = MemorySegment.ofArray(generated[l]);
        kernels = DenseKernels.vector(threads);
    }

    /** All 78 maps, as the paper's pipeline will get them: rows added block by block, then 12 solves. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public double jtcAllMaps() {
        TsqrAccumulator[] sources = new TsqrAccumulator[LAYERS];
        for (int i = 0; i < LAYERS; i++) sources[i] = new TsqrAccumulator(WIDTH, LAYERS - i, WIDTH, LeastSquaresOptions.paper(), kernels);
        long blockBytes = (long) BLOCK * WIDTH * Float.BYTES;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int n = Math.min(BLOCK, rows - r0);
            long offset = (long) r0 * WIDTH * Float.BYTES, bytes = Math.min(blockBytes, (long) n * WIDTH * Float.BYTES);
            for (int i = 0; i < LAYERS; i++) {
                MemorySegment[] targets = new MemorySegment[LAYERS - i];
                for (int t = 0; t < targets.length; t++) targets[t] = layers[i + 1 + t].asSlice(offset, bytes);
                sources[i].addRows(n, layers[i].asSlice(offset, bytes), targets);
            }
        }
        double check = 0;
        for (TsqrAccumulator acc : sources) {
            LeastSquaresSolution s = acc.solve();
            for (int t = 0; t < s.targets(); t++) check += s.map(t)[0] + s.residualSumOfSquares(t);
        }
        return check;
    }

}
