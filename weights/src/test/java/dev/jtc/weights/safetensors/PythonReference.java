package dev.jtc.weights.safetensors;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs src/test/python/safetensors_reference.py; tests that need it are skipped when python3 or numpy is missing. */
final class PythonReference {

    private static final Path SCRIPT = Path.of("src", "test", "python", "safetensors_reference.py");

    private PythonReference() {
    }

    /** Skips the calling test, with the reason, unless python3 with numpy can run the reference script. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isRegularFile(SCRIPT),
                "skipped: the reference script " + SCRIPT.toAbsolutePath() + " is not there (tests must run from the weights module)");
        Result probe;
        try {
            probe = exec(List.of("python3", "-c", "import numpy"));
        } catch (IOException e) {
            Assumptions.abort("skipped: python3 is not installed (" + e.getMessage() + "), so the independent numpy reference cannot run");
            return;
        }
        Assumptions.assumeTrue(probe.exitCode == 0,
                "skipped: python3 cannot import numpy, so the independent numpy reference cannot run: " + probe.stderr);
    }

    /** Runs the script with {@code args}; returns its stdout, failing the test on a non-zero exit. */
    static String run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Result r = exec(command);
        if (r.exitCode != 0) {
            throw new AssertionError("reference script " + command + " failed with exit code " + r.exitCode + ": " + r.stderr);
        }
        return r.stdout;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result exec(List<String> command) throws IOException {
        Path out = Files.createTempFile("python-out", ".txt");
        Path err = Files.createTempFile("python-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("reference script " + command + " did not finish within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
