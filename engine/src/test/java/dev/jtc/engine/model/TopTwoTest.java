package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The top two tokens and their probabilities, against hand cases and a double-precision softmax written here. */
class TopTwoTest {

    private static final Kernels KERNELS = Kernels.vector(1);

    private static MemorySegment logits(Arena arena, float... v) {
        MemorySegment s = arena.allocate((long) v.length * Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    @Test
    void equalLogitsRankTheLowerIdFirst() {
        try (Arena arena = Arena.ofConfined()) {
            TopTwo t = TopTwo.of(KERNELS, logits(arena, 1f, 3f, 0f, 3f, 3f), 0, 5);
            assertEquals(1, t.top1());
            assertEquals(3, t.top2());
            assertEquals(t.probability1(), t.probability2());
            double p = Math.exp(3) / (Math.exp(1) + 3 * Math.exp(3) + 1);
            assertEquals(p, t.probability1(), 1e-7);
            TopTwo firstIsBest = TopTwo.of(KERNELS, logits(arena, 5f, 1f, 2f, 2f), 0, 4);
            assertEquals(0, firstIsBest.top1());
            assertEquals(2, firstIsBest.top2());
        }
    }

    @Test
    void probabilitiesMatchADoubleSoftmax() {
        Random random = new Random(3);
        int n = 30522;
        float[] v = new float[n + 7];
        for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * 4);
        try (Arena arena = Arena.ofConfined()) {
            TopTwo t = TopTwo.of(KERNELS, logits(arena, v), 7, n);
            int best = 7, second = -1;
            for (int i = 8; i < 7 + n; i++) if (v[i] > v[best]) best = i;
            for (int i = 7; i < 7 + n; i++) if (i != best && (second < 0 || v[i] > v[second])) second = i;
            double sum = 0;
            for (int i = 7; i < 7 + n; i++) sum += Math.exp(v[i] - (double) v[best]);
            assertEquals(best - 7, t.top1());
            assertEquals(second - 7, t.top2());
            assertEquals(1 / sum, t.probability1(), 1e-6 / sum);
            assertEquals(Math.exp(v[second] - (double) v[best]) / sum, t.probability2(), 1e-6 / sum);
        }
    }

    @Test
    void refusesFewerThanTwoLogitsAndNaN() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> TopTwo.of(KERNELS, logits(arena, 1f), 0, 1));
            assertThrows(IllegalStateException.class, () -> TopTwo.of(KERNELS, logits(arena, 1f, Float.NaN), 0, 2));
        }
    }
}
