package dev.jtc.shortcuts.fit;

/**
 * One linear shortcut to fit: {@code target ≈ A·source} (plus a bias with {@code --intercept}), and the
 * names its matrix and bias get in {@code maps.safetensors}: {@code A.{i}.{j}} / {@code b.{i}.{j}} for layer
 * pairs, {@code P.{b}.{a}} / {@code Pb.{b}.{a}} for GPT-2's map from point a to point a+1 of block b.
 */
public record ShortcutMap(StatePoint source, StatePoint target, String name, String biasName) {

    static ShortcutMap layerPair(int i, int j) {
        return new ShortcutMap(new StatePoint.Layer(i), new StatePoint.Layer(j), "A." + i + "." + j, "b." + i + "." + j);
    }

    static ShortcutMap subModule(int block, int point) {
        return new ShortcutMap(StatePoint.ofBlock(block, point), StatePoint.ofBlock(block, point + 1),
                "P." + block + "." + point, "Pb." + block + "." + point);
    }

    /** Whether this is a layer-to-layer map A_{j,i} (the r² table covers these). */
    public boolean isLayerPair() {
        return source instanceof StatePoint.Layer && target instanceof StatePoint.Layer;
    }
}
