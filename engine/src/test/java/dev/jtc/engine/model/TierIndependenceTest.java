package dev.jtc.engine.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The forward pass gives the same bits whatever the JIT has compiled and however many kernel threads run:
 * child JVMs under -Xint, C1 only and the default tiers (C2 once warm), with 1 and 2 threads, must write
 * byte-identical {@link ForwardBits} dumps of their first pass, and no repeat within a JVM (the C2-compiled
 * ones included) may differ from its first pass. Before the kernels' exp and lane sums were bit-defined,
 * repeats in the default run differed from the first from the JIT's first C2 compilations on.
 */
class TierIndependenceTest {

    /** The kernel methods that call VectorExp or LaneSum: the default runs wait until C2 has compiled them all. */
    private static final List<String> C2_MUST_COMPILE = List.of("VectorKernels::rowMean", "VectorKernels::rowVariance",
            "VectorAttention::softmaxPrefix", "VectorGelu::geluTanh", "VectorGelu::geluErf");

    @TempDir
    static Path dir;

    @BeforeAll
    static void checkpoints() {
        ForwardBits.writeCheckpoints(dir);
    }

    /** 200 passes in this JVM, from whatever state its JIT is in (cold when this class runs alone). */
    @Test
    void twoHundredPassesInOneJvmAreBitwiseEqual() {
        try (ForwardBits.TwoModels models = new ForwardBits.TwoModels(dir)) {
            ForwardBits.Repeats repeats = new ForwardBits.Repeats(models::pass);
            repeats.times(199);
            assertEquals(List.of(), repeats.unequal(), "passes that differed from the first");
        }
    }

    @Test
    void interpreterC1AndC2WithOneOrTwoThreadsWriteTheSameBits() throws Exception {
        Run interpreted = run("xint", 0, List.of(), "-Xint", "-Djtc.threads=1");
        Run c1 = run("c1", 2, List.of(), "-XX:TieredStopAtLevel=1", "-Djtc.threads=2");
        Run c2 = run("c2", 0, C2_MUST_COMPILE, "-Djtc.threads=2");
        Run c2OneThread = run("c2-1", 0, C2_MUST_COMPILE, "-Djtc.threads=1");
        for (Run r : List.of(interpreted, c1, c2, c2OneThread)) {
            assertTrue(r.log.contains("unequal repeats []"), r.name + ": repeats differed from the first:\n" + r.log);
        }
        for (Run r : List.of(c2, c2OneThread)) {
            assertTrue(r.log.contains("C2 compiled "),
                    r.name + ": C2 did not compile the kernels in time, so C2 code went untested:\n" + r.log);
        }
        for (Run r : List.of(c1, c2, c2OneThread)) assertSameBits(interpreted, r);
    }

    private record Run(String name, String bits, String log) {
    }

    private static Run run(String name, double seconds, List<String> c2Methods, String... flags)
            throws IOException, InterruptedException {
        Path out = dir.resolve(name + ".bits"), log = dir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ForwardBits.class.getName(),
                dir.toString(), out.toString(), Double.toString(seconds)));
        command.addAll(c2Methods);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + ": the child JVM did not finish in 300 s: " + String.join(" ", command));
        }
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), name + ": the child JVM failed:\n" + text);
        return new Run(name, Files.readString(out), text);
    }

    private static void assertSameBits(Run expected, Run actual) {
        if (expected.bits.equals(actual.bits)) return;
        String[] a = expected.bits.split("\n"), b = actual.bits.split("\n");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                String key = a[i].substring(0, a[i].indexOf(' '));
                fail(actual.name + " differs from " + expected.name + " first at " + key);
            }
        }
        fail(actual.name + " has " + b.length + " dump lines, " + expected.name + " has " + a.length);
    }
}
