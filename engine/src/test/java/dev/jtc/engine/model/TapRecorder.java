package dev.jtc.engine.model;

import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.Tap;
import dev.jtc.engine.tap.TapRequest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helper: copies every tapped row block into a map keyed like the reference files ({@code s0.layer.3.ln1}). */
final class TapRecorder implements Tap {

    final Map<String, float[]> rows = new HashMap<>();
    final Map<String, Integer> firstPositions = new HashMap<>();

    static String key(Site site, int block, int sequence) {
        return switch (site) {
            case EMBED, FINAL_NORM, LOGITS -> "s" + sequence + "." + site.key();
            default -> "s" + sequence + ".layer." + block + "." + site.key();
        };
    }

    @Override
    public void accept(Site site, int block, int sequence, int firstPosition, int rowCount, int width, MemorySegment view) {
        if (!view.isReadOnly()) throw new AssertionError("tap view is writable");
        if (view.byteSize() != (long) rowCount * width * Float.BYTES) throw new AssertionError("view size");
        String k = key(site, block, sequence);
        if (rows.containsKey(k)) throw new AssertionError("delivered twice: " + k);
        rows.put(k, view.toArray(ValueLayout.JAVA_FLOAT));
        firstPositions.put(k, firstPosition);
    }

    /** Taps every site of {@code model} in every block, all rows. */
    List<TapRequest> everywhere(Model model, RowSelection sel) {
        List<TapRequest> taps = new ArrayList<>();
        for (Site s : model.sites()) {
            if (s.perBlock()) {
                for (int b = 0; b < model.layers(); b++) taps.add(new TapRequest(s, b, sel, this));
            } else {
                taps.add(TapRequest.at(s, sel, this));
            }
        }
        return taps;
    }
}
