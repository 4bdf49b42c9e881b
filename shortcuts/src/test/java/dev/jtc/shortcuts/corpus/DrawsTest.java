package dev.jtc.shortcuts.corpus;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The draws against an independent implementation: python3 recomputes java.util.Random from the algorithm
 * its Javadoc specifies (48-bit LCG, nextInt(bound) with rejection) and the SplitMix64 mixing, so the
 * samples do not hang on one JVM's Random and another program (a Spark job) can recompute a position.
 */
class DrawsTest {

    private static final String PYTHON = """
            import sys
            M = (1 << 64) - 1
            def mix(x):
                z = (x + 0x9E3779B97F4A7C15) & M
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
                return z ^ (z >> 31)
            class JavaRandom:
                def __init__(self, seed): self.s = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
                def next(self, bits):
                    self.s = (self.s * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
                    return self.s >> (48 - bits)
                def next_int(self, bound):
                    r = self.next(31)
                    m = bound - 1
                    if bound & m == 0:
                        return (bound * r) >> 31
                    u = r
                    while True:
                        r = u % bound
                        if u - r + m < (1 << 31):
                            return r
                        u = self.next(31)
            def generator(seed, purpose, identity):
                return JavaRandom(mix((mix((seed & M) ^ mix(purpose)) + identity) & M))
            DOCUMENT_ORDER, POSITION = 1, 3
            out = []
            for seed in (0, 1, -7, 2**63 - 1):
                out += [generator(seed, POSITION, i).next_int(1 + i % 37) for i in range(200)]
                order = list(range(50))
                g = generator(seed, DOCUMENT_ORDER, 0)
                for i in range(len(order) - 1, 0, -1):
                    j = g.next_int(i + 1)
                    order[i], order[j] = order[j], order[i]
                out += order
            print(" ".join(map(str, out)))
            """;

    @Test
    void positionsAndOrdersMatchThePublishedAlgorithms() throws Exception {
        List<Integer> ours = new ArrayList<>();
        for (long seed : new long[]{0, 1, -7, Long.MAX_VALUE}) {
            for (int i = 0; i < 200; i++) ours.add(Draws.position(seed, i).nextInt(1 + i % 37));
            List<Integer> order = new ArrayList<>(IntStream.range(0, 50).boxed().toList());
            Draws.shuffle(order, Draws.documentOrder(seed));
            ours.addAll(order);
        }
        assertEquals(python(), ours);
    }

    private static List<Integer> python() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", PYTHON).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not on PATH, so java.util.Random cannot be recomputed independently.");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        List<Integer> values = new ArrayList<>();
        for (String v : out.split(" ")) values.add(Integer.parseInt(v));
        return values;
    }
}
