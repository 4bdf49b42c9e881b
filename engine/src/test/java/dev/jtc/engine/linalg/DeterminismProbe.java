package dev.jtc.engine.linalg;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Run by {@link DeterminismTest} in a fresh JVM (so its JIT tiers and {@code -Djtc.threads} apply):
 * fits one fixed problem on the shared vector kernels and prints a SHA-256 of every bit of the result.
 */
public final class DeterminismProbe {

    private DeterminismProbe() {
    }

    public static void main(String[] args) throws Exception {
        Problem pr = Problem.random(31, 520, 64, 3, 64, 1e3, 0.1, true);
        LeastSquaresOptions o = new LeastSquaresOptions(Intercept.FITTED, 0.5, DataPrecision.FLOAT32);
        TsqrAccumulator acc = new TsqrAccumulator(pr.sourceWidth(), pr.targets(), pr.targetWidth(), o);
        pr.addTo(acc, 40);
        LeastSquaresSolution s = acc.solve();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(8);
        for (int t = 0; t < pr.targets(); t++) {
            for (double v : s.mapInDouble(t)) sha.update(buf.clear().putDouble(v).array());
            for (float v : s.bias(t)) sha.update(buf.clear().putDouble(v).array());
            sha.update(buf.clear().putDouble(s.residualSumOfSquares(t)).array());
        }
        System.out.println("threads=" + DenseKernels.vector().threads() + " sha256=" + HexFormat.of().formatHex(sha.digest()));
    }
}
