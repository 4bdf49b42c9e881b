package dev.jtc.shortcuts.metrics;

import dev.jtc.weights.testing.Numpy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        Numpy.assumeAvailable("the independent numpy r² reference (src/test/python/r2_reference.py)");
        StringBuilder manifest = new StringBuilder();
        for (Case c : cases) {
            write(directory.resolve(c.name() + ".true.f32"), c.yTrue());
            write(directory.resolve(c.name() + ".pred.f32"), c.yPred());
            manifest.append(c.name()).append(' ').append(c.rows()).append(' ').append(c.width()).append('\n');
        }
        Files.writeString(directory.resolve("cases.txt"), manifest);
        Numpy.run(Numpy.script("r2_reference.py"), List.of(directory.toString()));
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


}
