package dev.jtc.engine.model;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helper: runs the numpy reference scripts of src/test/python, skipping the test when python3/numpy are absent. */
final class PythonReference {

    private PythonReference() {
    }

    static Path script(String name) {
        Path p = Path.of("src/test/python", name).toAbsolutePath();
        if (!Files.isRegularFile(p)) throw new AssertionError("reference script missing: " + p);
        return p;
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed here, so the independent numpy "
                + "reference cannot run; skipping.");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new AssertionError("reference script failed (exit " + rc + "): " + output);
    }

    private static Boolean available;

    static synchronized boolean numpyAvailable() {
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
