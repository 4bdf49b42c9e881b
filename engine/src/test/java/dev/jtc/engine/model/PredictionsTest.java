package dev.jtc.engine.model;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Top-k and softmax against a plain sort and a double-precision softmax written here. */
class PredictionsTest {

    @Property(tries = 200)
    void topKIsTheSortedHead(@ForAll @Size(min = 1, max = 300) List<@FloatRange(min = -50, max = 50) Float> values,
                             @ForAll @IntRange(min = 1, max = 20) int k) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) a[i] = values.get(i);
        List<TokenScore> top = Predictions.topK(MemorySegment.ofArray(a), 0, a.length, k);
        List<Integer> want = IntStream.range(0, a.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -a[i]).thenComparing(i -> i)).limit(k).toList();
        assertEquals(want, top.stream().map(TokenScore::token).toList());
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float x : a) max = Math.max(max, x);
        for (float x : a) sum += Math.exp(x - max);
        for (TokenScore t : top) {
            assertEquals(a[t.token()], t.logit());
            assertEquals(Math.exp(a[t.token()] - max) / sum, t.probability(), 1e-12);
        }
    }

    @Test
    void softmaxSumsToOneAndKeepsOrder() {
        float[] a = {1000f, 999f, -5f, 0f};
        float[] p = new float[4];
        Predictions.softmax(MemorySegment.ofArray(a), 0, 4, MemorySegment.ofArray(p), 0);
        assertEquals(1.0, p[0] + p[1] + p[2] + p[3], 1e-6);
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Predictions.topK(MemorySegment.ofArray(a), 0, 4, 0));
    }
}
