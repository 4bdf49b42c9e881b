package dev.jtc.shortcuts.metrics;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: scores cases with src/test/python/r2_reference.py (numpy, written from scikit-learn's documented
 * definition) in one python run, aborting the test when python3 with numpy is not installed.
 */
final class NumpyR2Reference {

    /** One scoring problem: rows × width float32 targets and predictions. */
    record Case(String name, int rows, int width, float[] yTrue, float[] yPred) {
    }

    private NumpyR2Reference() {
    }

    /** The reference score of every case, by name. */
    static Map<String, Double> scores(Path directory, List<Case> cases) throws IOException, InterruptedException {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed here, so the independent numpy "
                + "r² reference (src/test/python/r2_reference.py) cannot run.");
        StringBuilder manifest = new StringBuilder();
        for (Case c : cases) {
            write(directory.resolve(c.name() + ".true.f32"), c.yTrue());
            write(directory.resolve(c.name() + ".pred.f32"), c.yPred());
            manifest.append(c.name()).append(' ').append(c.rows()).append(' ').append(c.width()).append('\n');
        }
        Files.writeString(directory.resolve("cases.txt"), manifest);
        Path script = Path.of("src/test/python/r2_reference.py").toAbsolutePath();
        Process p = new ProcessBuilder("python3", script.toString(), directory.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new AssertionError("r2_reference.py failed (exit " + rc + "): " + output);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String line : Files.readAllLines(directory.resolve("r2.txt"))) {
            String[] parts = line.trim().split(" ");
            scores.put(parts[0], Double.parseDouble(parts[1]));
        }
        return scores;
    }

    private static void write(Path file, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }

    private static Boolean available;

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
