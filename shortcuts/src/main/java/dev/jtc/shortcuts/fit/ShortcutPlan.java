package dev.jtc.shortcuts.fit;

import dev.jtc.weights.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every map a fit solves for one model, grouped by source state: one streaming least-squares accumulator per
 * source serves all of that source's targets at once, so L accumulators cover the L(L+1)/2 layer pairs.
 *
 * <p>Both families: {@code A_{j,i}} for every {@code 0 ≤ i < j ≤ L}. GPT-2 also: {@code P_b^{a→a+1}} for
 * a = 0..5 of every block b; point 0 of block b is layer b, so P_b^{0→1} shares layer b's accumulator.
 */
public final class ShortcutPlan {

    /** A source state and the maps fitted from it, in the order its accumulator holds their targets. */
    public record Source(StatePoint point, List<ShortcutMap> maps) {
        public Source {
            maps = List.copyOf(maps);
        }
    }

    private final List<Source> sources;
    private final List<StatePoint> states;

    private ShortcutPlan(List<Source> sources, List<StatePoint> states) {
        this.sources = List.copyOf(sources);
        this.states = List.copyOf(states);
    }

    public static ShortcutPlan of(ModelConfig config) {
        int layers = config.layers();
        boolean gpt2 = config.architecture() == ModelConfig.Architecture.GPT2;
        Map<StatePoint, List<ShortcutMap>> bySource = new LinkedHashMap<>();
        List<StatePoint> states = new ArrayList<>();
        states.add(new StatePoint.Layer(0));
        for (int b = 0; b < layers; b++) {
            if (gpt2) for (int a = 1; a <= 5; a++) states.add(new StatePoint.SubModule(b, a));
            states.add(new StatePoint.Layer(b + 1));
        }
        for (StatePoint s : states) {
            if (s instanceof StatePoint.Layer layer && layer.index() < layers) {
                List<ShortcutMap> maps = new ArrayList<>();
                for (int j = layer.index() + 1; j <= layers; j++) maps.add(ShortcutMap.layerPair(layer.index(), j));
                if (gpt2) maps.add(ShortcutMap.subModule(layer.index(), 0));
                bySource.put(s, maps);
            } else if (s instanceof StatePoint.SubModule sub) {
                bySource.put(s, List.of(ShortcutMap.subModule(sub.block(), sub.point())));
            }
        }
        List<Source> sources = new ArrayList<>();
        bySource.forEach((point, maps) -> sources.add(new Source(point, maps)));
        return new ShortcutPlan(sources, states);
    }

    public List<Source> sources() {
        return sources;
    }

    /** Every state the fit reads, in the order a forward pass computes them. */
    public List<StatePoint> states() {
        return states;
    }

    public List<ShortcutMap> maps() {
        List<ShortcutMap> all = new ArrayList<>();
        for (Source s : sources) all.addAll(s.maps());
        return all;
    }
}
