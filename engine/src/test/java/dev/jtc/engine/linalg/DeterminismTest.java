package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same fit gives the same bits with 1 or 2 threads and in the interpreter (-Xint) as after C2:
 * each case runs {@link DeterminismProbe} in its own JVM.
 */
class DeterminismTest {

    @Test
    void bitIdenticalAcrossThreadCountsAndJitTiers() throws Exception {
        String xint = probe("-Xint", "-Djtc.threads=1");
        assertEquals(xint.replace("threads=1", "threads=2"), probe("-Xint", "-Djtc.threads=2"), "interpreter, 2 threads");
        assertEquals(xint, probe("-Djtc.threads=1"), "default tiers, 1 thread");
        assertEquals(xint.replace("threads=1", "threads=2"), probe("-Djtc.threads=2"), "default tiers, 2 threads");
    }

    /** The probe's one line of output in a JVM started with {@code flags}. */
    private static String probe(String... flags) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the probe JVM did not finish: " + cmd);
        assertEquals(0, p.exitValue(), "probe JVM " + List.of(flags) + " failed: " + out);
        String line = out.lines().filter(l -> l.startsWith("threads=")).findFirst()
                .orElseThrow(() -> new AssertionError("no result from probe JVM " + List.of(flags) + ": " + out));
        return line;
    }
}
