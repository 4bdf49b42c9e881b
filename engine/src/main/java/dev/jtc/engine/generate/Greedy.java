package dev.jtc.engine.generate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Greedy decoding: the arg-max of the logits, the lower id first among equal logits. */
record Greedy() implements Sampler {

    @Override
    public int choose(MemorySegment logits, long off, int n) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, off + i);
            if (Float.isNaN(v)) throw new IllegalStateException("logit " + i + " is NaN; no token can be chosen.");
            // Strictly greater, so an equal logit later in the vocabulary never displaces the lower id.
            if (v > max || i == 0) {
                max = v;
                best = i;
            }
        }
        return best;
    }
}
