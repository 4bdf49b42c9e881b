package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's metric-by-layer figures: for every layer ℓ, how well each mapping's prediction from the hidden
 * state at ℓ agrees with the full model, a line per mapping with its 95% bootstrap interval as a band.
 * {@code pre} (Precision@1, @5, @10 in three panels), {@code surp} (surprisal) and {@code kl} (beyond the
 * paper) compare id, mat and, in runs fitted with an intercept, affine; {@code parts_*} compare GPT-2's
 * sub-module mappings with mat. Each figure is written as NAME.png, NAME.svg and NAME.pdf, atomically.
 */
public final class LayerCurves {

    /** Precision@k panels of {@code pre}, in the paper's order. */
    private static final int[] KS = {1, 5, 10};

    /** Which mappings a figure compares, and what its panel titles add to say so. */
    private record Comparison(List<Mapping> mappings, String caption) {
    }

    private static final Comparison SHORTCUTS = new Comparison(List.of(Mapping.ID, Mapping.MAT, Mapping.AFFINE), "");
    private static final Comparison PARTS = new Comparison(
            List.of(Mapping.MAT_ATTN, Mapping.MAT_FFN, Mapping.MAT_LN, Mapping.MAT), ", sub-module shortcuts");

    static final int PRE_PANEL_WIDTH = 420;
    static final int PANEL_WIDTH = 640;
    static final int PANEL_HEIGHT = 440;
    private static final String LAYER_AXIS = "layer ℓ";

    private LayerCurves() {
    }

    /** {@code pre}: Precision@k by layer of id, mat (and affine when present), one panel per k = 1, 5, 10. */
    public static Path writePrecision(Path directory, List<MetricValue> values, String title) throws IOException {
        MetricCurves curves = checked(values, title);
        List<LinePanel> panels = new ArrayList<>();
        for (int k : KS) {
            panels.add(precisionPanel(curves, SHORTCUTS, k, "pre"));
        }
        return write(directory, "pre", title, panels, PRE_PANEL_WIDTH);
    }

    /** {@code surp}: surprisal of the shortcut's top-1 under the full model, by layer, in nats. */
    public static Path writeSurprisal(Path directory, List<MetricValue> values, String title) throws IOException {
        MetricCurves curves = checked(values, title);
        return write(directory, "surp", title, List.of(nonNegativePanel(curves, SHORTCUTS, Metric.SURPRISAL, "surp")),
                PANEL_WIDTH);
    }

    /** {@code kl}: KL(p_full ‖ p_shortcut) by layer, in nats. */
    public static Path writeKl(Path directory, List<MetricValue> values, String title) throws IOException {
        MetricCurves curves = checked(values, title);
        return write(directory, "kl", title, List.of(nonNegativePanel(curves, SHORTCUTS, Metric.KL, "kl")),
                PANEL_WIDTH);
    }

    /**
     * GPT-2's {@code parts_pre1}, {@code parts_pre5}, {@code parts_pre10} and {@code parts_surp}: mat_attn,
     * mat_ffn, mat_ln and mat by layer. Returns the four PNG files in that order.
     */
    public static List<Path> writeParts(Path directory, List<MetricValue> values, String title) throws IOException {
        MetricCurves curves = checked(values, title);
        List<Path> written = new ArrayList<>();
        for (int k : KS) {
            String name = "parts_pre" + k;
            written.add(write(directory, name, title, List.of(precisionPanel(curves, PARTS, k, name)), PANEL_WIDTH));
        }
        written.add(write(directory, "parts_surp", title,
                List.of(nonNegativePanel(curves, PARTS, Metric.SURPRISAL, "parts_surp")), PANEL_WIDTH));
        return written;
    }

    private static MetricCurves checked(List<MetricValue> values, String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("layer curves: the title must name the model, got "
                    + (title == null ? "null" : "a blank one") + ".");
        }
        return MetricCurves.of(values);
    }

    private static LinePanel precisionPanel(MetricCurves curves, Comparison comparison, int k, String figure) {
        LinePanel panel = new LinePanel("Precision@" + k + comparison.caption(), LAYER_AXIS, "Precision@" + k, curves.layers(),
                LinePanel.LegendPlace.LOWER_RIGHT).yRange(0, 1).yDecimals("0.0");
        draw(panel, present(curves, comparison.mappings(), Metric.PRECISION, k, figure));
        return panel;
    }

    private static LinePanel nonNegativePanel(MetricCurves curves, Comparison comparison, Metric metric,
            String figure) {
        String name = metric == Metric.KL ? "KL(p_full ‖ p_shortcut)" : "surprisal";
        List<MetricCurves.Curve> drawn = present(curves, comparison.mappings(), metric, 0, figure);
        double top = 0;
        for (MetricCurves.Curve c : drawn) {
            for (int layer = 0; layer <= curves.layers(); layer++) top = Math.max(top, c.hi(layer));
        }
        String heading = metric == Metric.KL ? name : "Surprisal";
        LinePanel panel = new LinePanel(heading + " by layer" + comparison.caption(),
                LAYER_AXIS, name + " (nats)", curves.layers(), LinePanel.LegendPlace.UPPER_RIGHT)
                // A flat zero curve (the last layer, a perfect shortcut) still needs a visible axis.
                .yRange(0, top > 0 ? top * 1.05 : 1).yDecimals("0.0");
        draw(panel, drawn);
        return panel;
    }

    /** Bands first, then lines, so that no band ever covers a line. */
    private static void draw(LinePanel panel, List<MetricCurves.Curve> drawn) {
        for (MetricCurves.Curve c : drawn) panel.band(c);
        for (MetricCurves.Curve c : drawn) panel.line(c);
    }

    /**
     * The curves of {@code mappings} that the run has. id and mat (and for parts figures all three parts) are
     * required; affine is drawn only when present, because only runs with an intercept have it.
     */
    private static List<MetricCurves.Curve> present(MetricCurves curves, List<Mapping> mappings, Metric metric,
            int k, String figure) {
        List<MetricCurves.Curve> drawn = new ArrayList<>();
        for (Mapping m : mappings) {
            if (m == Mapping.AFFINE && !curves.has(m, metric, k)) continue;
            drawn.add(curves.curve(m, metric, k, "figure " + figure));
        }
        return drawn;
    }

    private static Path write(Path directory, String name, String title, List<LinePanel> panels, int panelWidth)
            throws IOException {
        LinePanel.writeRow(directory, name, title, panels, panelWidth, PANEL_HEIGHT);
        return directory.resolve(name + ".png");
    }
}
