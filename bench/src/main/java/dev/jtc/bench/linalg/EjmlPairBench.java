package dev.jtc.bench.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_MT_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
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

import java.util.concurrent.TimeUnit;

/**
 * EJML's Householder-QR least squares (LinearSolverFactory_DDRM.leastSquares, and its multi-threaded
 * _MT_ twin) on one map of {@link SolverBench}'s problem, layer 0 → layer 1 at n × 768: the peers
 * solve pair by pair, so bench/run-solver multiplies one pair's time by 78.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx6g"})
public class EjmlPairBench {

    @Param({"9000"})
    public int rows;

    private DMatrixRMaj x0;
    private DMatrixRMaj y1;

    @Setup(Level.Trial)
    public void setUp() {
        float[][] layers = SyntheticLayers.generate(2, rows, SolverBench.WIDTH, 42);
        x0 = new DMatrixRMaj(rows, SolverBench.WIDTH);
        y1 = new DMatrixRMaj(rows, SolverBench.WIDTH);
        for (int i = 0; i < x0.data.length; i++) {
            x0.data[i] = layers[0][i];
            y1.data[i] = layers[1][i];
        }
    }

    /** One map (0 → 1) by EJML's Householder QR on one thread; the run script multiplies by 78. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 2)
    public double ejmlOnePair() {
        return solveOnePair(LinearSolverFactory_DDRM.leastSquares(rows, SolverBench.WIDTH));
    }

    /** The same with EJML's multi-threaded QR (its own ForkJoin pool, all available processors). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 2)
    public double ejmlConcurrentOnePair() {
        return solveOnePair(LinearSolverFactory_MT_DDRM.leastSquares(rows, SolverBench.WIDTH));
    }

    private double solveOnePair(LinearSolverDense<DMatrixRMaj> solver) {
        DMatrixRMaj a = solver.modifiesA() ? x0.copy() : x0;
        DMatrixRMaj b = solver.modifiesB() ? y1.copy() : y1;
        if (!solver.setA(a)) throw new IllegalStateException("EJML could not factor the synthetic layer 0.");
        DMatrixRMaj map = new DMatrixRMaj(SolverBench.WIDTH, SolverBench.WIDTH);
        solver.solve(b, map);
        return map.get(0, 0);
    }

}
