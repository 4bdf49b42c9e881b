package dev.jtc.engine.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Test helpers: off-heap float segments and the error metrics the kernel tests use. */
final class Floats {

    private Floats() {
    }

    static MemorySegment random(Arena arena, long n, long seed, double scale) {
        MemorySegment s = arena.allocate(Math.max(1, n) * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) ((r.nextDouble() * 2 - 1) * scale));
        return s;
    }

    static MemorySegment of(Arena arena, float[] v) {
        MemorySegment s = arena.allocate(Math.max(1, v.length) * (long) Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    static MemorySegment copy(Arena arena, MemorySegment src) {
        MemorySegment s = arena.allocate(src.byteSize(), 64);
        s.copyFrom(src);
        return s;
    }

    static float[] get(MemorySegment s, long off, int n) {
        float[] out = new float[n];
        MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, off * Float.BYTES, out, 0, n);
        return out;
    }

    static float at(MemorySegment s, long i) {
        return s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    /** max|a − ref| / max(1, max|ref|): a relative error that does not blow up where ref is near 0. */
    static double relError(float[] a, double[] ref) {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        if (Double.isNaN(maxDiff)) return Double.NaN;
        return maxDiff / Math.max(1, maxRef);
    }

    static double relError(float[] a, float[] ref) {
        double[] d = new double[ref.length];
        for (int i = 0; i < d.length; i++) d[i] = ref[i];
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) != Float.isNaN(ref[i])) return Double.NaN;
        }
        return relError(a, d);
    }
}
