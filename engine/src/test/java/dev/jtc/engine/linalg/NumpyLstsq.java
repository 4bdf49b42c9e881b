package dev.jtc.engine.linalg;

import dev.jtc.weights.testing.Numpy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: numpy's float64 {@code lstsq} (src/test/python/lstsq_reference.py) on the same rows, as the
 * independent reference; the test is skipped with a sentence when python3 or numpy is missing.
 */
final class NumpyLstsq {

    /** Z (p × m row-major, the bias last when fitted), per-column residual sums of squares, and gelsd's rank. */
    record Reference(double[] z, double[] rss, int rank) {
    }


    private NumpyLstsq() {
    }

    static Reference solve(Problem problem, LeastSquaresOptions options) throws IOException, InterruptedException {
        Path script = Numpy.script("lstsq_reference.py");
        Path dir = Files.createTempDirectory(Path.of("target"), "lstsq");
        try {
            Npy.write(dir.resolve("x.npy"), problem.x(), problem.rows(), problem.sourceWidth());
            Npy.write(dir.resolve("y.npy"), problem.yMatrix(), problem.rows(), problem.targets() * problem.targetWidth());
            List<String> args = new ArrayList<>(List.of(dir.toString()));
            if (options.intercept() == Intercept.FITTED) args.add("--intercept");
            if (options.ridge() > 0) args.addAll(List.of("--ridge", Double.toString(options.ridge())));
            Numpy.run(script, args);
            return new Reference(Npy.read(dir.resolve("z.npy")), Npy.read(dir.resolve("rss.npy")),
                    Integer.parseInt(Files.readString(dir.resolve("rank.txt")).trim()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

}
