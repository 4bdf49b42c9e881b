package dev.jtc.engine.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Softmax and top-k over a row of logits, without modifying it.
 *
 * <p>The exponentials are {@code StrictMath.exp}, whose bits the Java specification fixes (fdlibm), so the
 * probabilities are the same on every JVM, CPU and JIT tier. HotSpot's {@code Math.exp} also agreed across
 * -Xint, C1 and C2 on x86-64 (one stub serves all three), but differs from fdlibm in about one result in ten
 * and is only promised to be within 1 ulp; the price of StrictMath is about 0.1 ms per 50k-token row.
 */
public final class Predictions {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Predictions() {
    }

    /**
     * The {@code k} highest-scoring tokens of {@code n} logits starting at element {@code off}, best first
     * (ties: lower id first), with probabilities of the full softmax over all {@code n}.
     */
    public static List<TokenScore> topK(MemorySegment logits, long off, int n, int k) {
        int[] ids = topIds(logits, off, n, k);
        if (ids.length == 0) return List.of();
        float max = logits.getAtIndex(F, off + ids[0]); // the best logit is the largest
        double sum = 0;
        for (int i = 0; i < n; i++) sum += StrictMath.exp(logits.getAtIndex(F, off + i) - (double) max);
        List<TokenScore> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            float v = logits.getAtIndex(F, off + id);
            out.add(new TokenScore(id, v, StrictMath.exp(v - (double) max) / sum));
        }
        return out;
    }

    /**
     * The ids of the {@code k} highest of {@code n} logits starting at element {@code off}, best first (ties: lower id
     * first), without the softmax: for callers that need the ranking only.
     */
    public static int[] topIds(MemorySegment logits, long off, int n, int k) {
        if (k < 1) throw new IllegalArgumentException("top-k needs k ≥ 1, got " + k + ".");
        k = Math.min(k, n);
        int[] ids = new int[k];
        float[] vals = new float[k];
        int filled = 0;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(F, off + i);
            if (Float.isNaN(v)) throw new IllegalStateException("logit " + i + " is NaN.");
            if (filled < k || v > vals[filled - 1]) {
                int j = filled < k ? filled++ : k - 1;
                while (j > 0 && vals[j - 1] < v) {
                    vals[j] = vals[j - 1];
                    ids[j] = ids[j - 1];
                    j--;
                }
                vals[j] = v;
                ids[j] = i;
            }
        }
        return filled == k ? ids : java.util.Arrays.copyOf(ids, filled);
    }

    /** Softmax probabilities of {@code n} logits into {@code out} (may equal {@code logits}), computed in double. */
    public static void softmax(MemorySegment logits, long off, int n, MemorySegment out, long outOff) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits.getAtIndex(F, off + i));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += StrictMath.exp(logits.getAtIndex(F, off + i) - max);
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, (float) (StrictMath.exp(logits.getAtIndex(F, off + i) - max) / sum));
        }
    }
}
