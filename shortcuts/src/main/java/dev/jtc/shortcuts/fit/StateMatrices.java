package dev.jtc.shortcuts.fit;

import dev.jtc.weights.DType;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One float32 {@code [rows, d]} matrix per state of a plan (row r = the r-th sample of a split), off-heap:
 * the validation states that r² and the later stages read, and optionally the training states.
 */
public final class StateMatrices {

    private final List<StatePoint> states;
    private final MemorySegment[] rows;
    private final int count;
    private final int width;

    private StateMatrices(List<StatePoint> states, MemorySegment[] rows, int count, int width) {
        this.states = List.copyOf(states);
        this.rows = rows;
        this.count = count;
        this.width = width;
    }

    static StateMatrices allocate(List<StatePoint> states, int count, int width, Arena arena) {
        MemorySegment[] rows = new MemorySegment[states.size()];
        for (int s = 0; s < rows.length; s++) rows[s] = arena.allocate((long) count * width * Float.BYTES, 64);
        return new StateMatrices(states, rows, count, width);
    }

    /** The matrices of {@code states} in a file this class wrote, mapped read-only (the file must stay open). */
    static StateMatrices read(SafetensorsFile file, List<StatePoint> states, int width) {
        MemorySegment[] rows = new MemorySegment[states.size()];
        long count = -1;
        for (int s = 0; s < rows.length; s++) {
            String name = states.get(s).stateName();
            if (!file.contains(name)) {
                throw new IllegalArgumentException(file.origin() + " has no tensor " + name + "; re-run with --force to collect again.");
            }
            long[] shape = file.info(name).shape();
            if (shape.length != 2 || shape[1] != width || (count >= 0 && shape[0] != count)) {
                throw new IllegalArgumentException(file.origin() + ": tensor " + name + " has shape " + java.util.Arrays.toString(shape)
                        + "; expected [" + (count >= 0 ? count : "n") + ", " + width + "].");
            }
            count = shape[0];
            rows[s] = file.raw(name);
        }
        return new StateMatrices(states, rows, Math.toIntExact(Math.max(count, 0)), width);
    }

    /** The matrix of the state at {@code index} in the plan's {@code states()}: {@link #count()} rows of {@link #width()} floats. */
    public MemorySegment rows(int index) {
        return rows[index];
    }

    MemorySegment rows(StatePoint state) {
        int i = states.indexOf(state);
        if (i < 0) throw new IllegalArgumentException("no stored rows for " + state.stateName() + ".");
        return rows[i];
    }

    public int count() {
        return count;
    }

    public int width() {
        return width;
    }

    void write(Path file, Map<String, String> metadata) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>(states.size());
        for (int s = 0; s < states.size(); s++) {
            entries.add(new SafetensorsWriter.Entry(states.get(s).stateName(), DType.F32, new long[]{count, width}, rows[s]));
        }
        SafetensorsWriter.write(file, metadata, entries);
    }
}
