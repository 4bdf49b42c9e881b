package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    private static Boolean available;

    private NumpyLstsq() {
    }

    static Reference solve(Problem problem, LeastSquaresOptions options) throws IOException, InterruptedException {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed here, so the numpy lstsq reference "
                + "cannot run; skipping.");
        Path script = Path.of("src/test/python/lstsq_reference.py").toAbsolutePath();
        if (!Files.isRegularFile(script)) throw new AssertionError("reference script missing: " + script);
        Path dir = Files.createTempDirectory(Path.of("target"), "lstsq");
        try {
            Npy.write(dir.resolve("x.npy"), problem.x(), problem.rows(), problem.sourceWidth());
            Npy.write(dir.resolve("y.npy"), problem.yMatrix(), problem.rows(), problem.targets() * problem.targetWidth());
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), dir.toString()));
            if (options.intercept() == Intercept.FITTED) cmd.add("--intercept");
            if (options.ridge() > 0) cmd.addAll(List.of("--ridge", Double.toString(options.ridge())));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (proc.waitFor() != 0) throw new AssertionError("lstsq_reference.py failed: " + output);
            return new Reference(Npy.read(dir.resolve("z.npy")), Npy.read(dir.resolve("rss.npy")),
                    Integer.parseInt(Files.readString(dir.resolve("rank.txt")).trim()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static synchronized boolean numpyAvailable() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }
}
