package dev.jtc.engine.generate;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The samplers' rules on hand-made logits; their agreement with numpy on a model's logits is in {@link GeneratorTest}. */
class SamplerTest {

    @Test
    void greedyTakesTheLargestLogitAndTheLowerIdOfATie() {
        assertEquals(2, Sampler.greedy().choose(row(1f, 3f, 5f, 4f), 0, 4));
        assertEquals(1, Sampler.greedy().choose(row(1f, 5f, 5f, 4f), 0, 4));
        assertEquals(0, Sampler.greedy().choose(row(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY), 0, 2));
        assertEquals(1, Sampler.greedy().choose(row(9f, 1f, 7f), 1, 2), "offset 1: logits 1 and 7");
    }

    @Test
    void topOneSamplingIsGreedyAndKeepsTheLowerIdAtTheCut() {
        MemorySegment logits = row(1f, 5f, 2f, 5f, 5f, 0f);
        Sampler one = Sampler.seeded(1.0, 1, 3);
        for (int i = 0; i < 50; i++) assertEquals(1, one.choose(logits, 0, 6));
        // Top-2 of three equal logits keeps ids 1 and 3, never 4.
        Sampler two = Sampler.seeded(1.0, 2, 3);
        int[] counts = new int[6];
        for (int i = 0; i < 2000; i++) counts[two.choose(logits, 0, 6)]++;
        assertEquals(0, counts[4] + counts[0] + counts[2] + counts[5], "only ids 1 and 3 are candidates");
        assertTrue(counts[1] > 850 && counts[3] > 850, "equal weights: " + counts[1] + " vs " + counts[3]);
    }

    @Test
    void drawsFollowTheTemperedSoftmax() {
        float[] l = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4), -50f};
        double temperature = 0.5;
        // exp(l/T) with T = 0.5 squares the weights 1, 2, 3, 4 (and ~0): 1, 4, 9, 16 out of 30.
        double[] p = {1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0, 0};
        Sampler s = Sampler.seeded(temperature, 0, 2024);
        int draws = 60_000;
        int[] counts = new int[l.length];
        MemorySegment logits = row(l);
        for (int i = 0; i < draws; i++) counts[s.choose(logits, 0, l.length)]++;
        for (int i = 0; i < l.length; i++) {
            double sigma = Math.sqrt(draws * p[i] * (1 - p[i]));
            assertTrue(Math.abs(counts[i] - draws * p[i]) <= 5 * sigma + 1,
                    "token " + i + ": " + counts[i] + " draws, expected " + draws * p[i] + " ± " + 5 * sigma);
        }
    }

    @Test
    void badSettingsAndNaNLogitsAreOneSentence() {
        assertEquals("the sampling temperature must be a positive finite number; got 0.0.",
                assertThrows(IllegalArgumentException.class, () -> Sampler.seeded(0, 0, 1)).getMessage());
        assertEquals("the sampling temperature must be a positive finite number; got NaN.",
                assertThrows(IllegalArgumentException.class, () -> Sampler.seeded(Double.NaN, 0, 1)).getMessage());
        assertEquals("top-k must be 0 (all tokens) or more; got -1.",
                assertThrows(IllegalArgumentException.class, () -> Sampler.seeded(1, -1, 1)).getMessage());
        MemorySegment nan = row(1f, Float.NaN);
        assertEquals("logit 1 is NaN; no token can be chosen.",
                assertThrows(IllegalStateException.class, () -> Sampler.greedy().choose(nan, 0, 2)).getMessage());
        assertEquals("logit 1 is NaN; no token can be chosen.",
                assertThrows(IllegalStateException.class, () -> Sampler.seeded(1, 0, 1).choose(nan, 0, 2)).getMessage());
    }

    private static MemorySegment row(float... values) {
        return MemorySegment.ofArray(values);
    }
}
