package dev.jtc.weights.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent numpy references of every module's tests: each is a script in that module's
 * {@code src/test/python}, run with python3. When python3 or numpy is missing the calling test aborts with
 * a sentence saying so (a failure under {@link RequiredReferences}' switch, as in CI).
 */
public final class Numpy {

    private static final long TIMEOUT_SECONDS = 600;
    private static Boolean available;

    private Numpy() {
    }

    /** Aborts the calling test unless python3 can import numpy; {@code reference} names what would have run. */
    public static void assumeAvailable(String reference) {
        Assumptions.assumeTrue(available(), "python3 with numpy is not installed here, so " + reference + " cannot run.");
    }

    /** The module's script {@code src/test/python/NAME}, which must exist. */
    public static Path script(String name) {
        Path p = Path.of("src", "test", "python", name).toAbsolutePath();
        if (!Files.isRegularFile(p)) throw new AssertionError("reference script missing: " + p);
        return p;
    }

    /**
     * Runs {@code script} with {@code args} (after {@link #assumeAvailable}); returns its standard output, and
     * fails the test with everything it printed when it exits non-zero or runs past ten minutes.
     */
    public static String run(Path script, List<String> args) throws IOException, InterruptedException {
        assumeAvailable(script.getFileName().toString());
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(args);
        // Output goes to files, so a script that prints a lot cannot block while we wait for it with a timeout.
        Path out = Files.createTempFile("numpy-out", ".txt");
        Path err = Files.createTempFile("numpy-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + " s.");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(command + " failed with exit code " + p.exitValue() + ":\n" + stdout
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }
}
