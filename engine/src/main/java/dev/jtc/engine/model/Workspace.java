package dev.jtc.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap scratch buffers of one thread's forward passes. Each slot is grown only when a pass needs
 * more floats than it holds (so it ends up sized for the longest batch seen), and reused otherwise:
 * a steady-state forward pass allocates nothing. Memory is released by the GC with the workspace.
 */
final class Workspace {

    private final MemorySegment[] slots;
    private int[] intBuffer = new int[0];

    Workspace(int slotCount) {
        slots = new MemorySegment[slotCount];
    }

    /** A segment of at least {@code floats} floats for {@code slot}; contents are left from earlier use. */
    MemorySegment floats(int slot, long floats) {
        MemorySegment s = slots[slot];
        long bytes = floats * Float.BYTES;
        if (s == null || s.byteSize() < bytes) {
            // 64-byte alignment lets vector kernels load whole cache lines.
            s = Arena.ofAuto().allocate(Math.max(bytes, 64), 64);
            slots[slot] = s;
        }
        return s;
    }

    /** An int array of at least {@code n} entries, reused between passes. */
    int[] ints(int n) {
        if (intBuffer.length < n) intBuffer = new int[n];
        return intBuffer;
    }
}
