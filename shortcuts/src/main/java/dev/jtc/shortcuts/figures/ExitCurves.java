package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.exit.ExitPoint;
import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;

import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's early-exit figure {@code ee_pre1}: Precision@1 against the mean number of layers processed.
 * Each mapping's λ sweep is a line through its points (markers), ordered by mean layers; beside it, dashed in
 * the same colour, its fixed-exit curve, where stopping at layer ℓ for every token costs exactly ℓ layers and
 * scores that layer's Precision@1. A grey horizontal line marks the headline's retention target, so the
 * layers each mapping needs can be read where its curves cross it.
 */
public final class ExitCurves {

    static final int WIDTH = 860;
    static final int HEIGHT = 480;
    private static final Color TARGET = new Color(0x555555);
    private static final BasicStroke TARGET_STROKE = new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_ROUND, 10f, new float[]{2f, 3f}, 0f);

    private ExitCurves() {
    }

    /**
     * Writes ee_pre1.png, .svg and .pdf into {@code directory} and returns the PNG. {@code sweep} holds the
     * early-exit points of one or more mappings; {@code values} must hold Precision@1 by layer for each of
     * them (the fixed-exit curves), and {@code headline} the retention target of the same run of L blocks.
     */
    public static Path write(Path directory, List<ExitPoint> sweep, List<MetricValue> values, Headline headline,
            String title) throws IOException {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("figure ee_pre1: the title must name the model, got "
                    + (title == null ? "null" : "a blank one") + ".");
        }
        MetricCurves curves = MetricCurves.of(values);
        int layers = curves.layers();
        checkHeadline(headline, layers);
        Map<Mapping, List<ExitPoint>> byMapping = bySweep(sweep, layers);

        LinePanel panel = new LinePanel("Early exit against fixed exit", "mean layers processed", "Precision@1",
                // No corner stays empty: early exit climbs through the upper left, fixed exit through the lower right.
                layers, LinePanel.LegendPlace.OUTSIDE_RIGHT).yRange(0, 1).yDecimals("0.0");
        for (Map.Entry<Mapping, List<ExitPoint>> e : byMapping.entrySet()) {
            Mapping m = e.getKey();
            MetricCurves.Curve fixed = curves.curve(m, Metric.PRECISION, 1, "figure ee_pre1 (the fixed-exit curve "
                    + "of " + m.key() + ")");
            List<ExitPoint> points = e.getValue();
            double[] x = new double[points.size()], y = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i).meanLayers();
                y[i] = points.get(i).precision1();
            }
            Color colour = MappingColours.line(m);
            panel.line(m.key() + " early exit", x, y, colour, new BasicStroke(2f), SeriesMarkers.CIRCLE);
            double[] layerAxis = new double[layers + 1], precision = new double[layers + 1];
            for (int layer = 0; layer <= layers; layer++) {
                layerAxis[layer] = layer;
                precision[layer] = fixed.value(layer);
            }
            panel.line(m.key() + " fixed exit", layerAxis, precision, colour, LinePanel.DASHED, SeriesMarkers.NONE);
        }
        panel.line(percent(headline.retention()) + " retention", new double[]{0, layers},
                new double[]{headline.retention(), headline.retention()}, TARGET, TARGET_STROKE, SeriesMarkers.NONE);
        LinePanel.writeRow(directory, "ee_pre1", title, List.of(panel), WIDTH, HEIGHT);
        return directory.resolve("ee_pre1.png");
    }

    /** 0.95 → "95%", 0.975 → "97.5%": the target as people write it. */
    private static String percent(double fraction) {
        return BigDecimal.valueOf(100 * fraction).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + "%";
    }

    private static void checkHeadline(Headline headline, int layers) {
        if (headline == null) throw new IllegalArgumentException("figure ee_pre1: the headline must not be null.");
        if (!(headline.retention() > 0 && headline.retention() <= 1)) {
            throw new IllegalArgumentException("figure ee_pre1: the headline's retention target is "
                    + headline.retention() + "; expected a fraction in (0, 1].");
        }
        if (headline.blocks() != layers) {
            throw new IllegalArgumentException("figure ee_pre1: the headline is for L = " + headline.blocks()
                    + " blocks but the metric values run over layers 0.." + layers + ".");
        }
    }

    /** The sweep's points by mapping (in the enum's order, so colours stack alike in every run), by mean layers. */
    private static Map<Mapping, List<ExitPoint>> bySweep(List<ExitPoint> sweep, int layers) {
        if (sweep == null || sweep.isEmpty()) {
            throw new IllegalArgumentException("figure ee_pre1: the early-exit sweep is empty; expected the points "
                    + "of at least one mapping.");
        }
        Map<Mapping, List<ExitPoint>> byMapping = new EnumMap<>(Mapping.class);
        for (int i = 0; i < sweep.size(); i++) {
            ExitPoint p = sweep.get(i);
            if (p == null || p.mapping() == null) {
                throw new IllegalArgumentException("figure ee_pre1: sweep point " + i + " is null or has no mapping.");
            }
            if (!(p.meanLayers() >= 0 && p.meanLayers() <= layers && p.precision1() >= 0 && p.precision1() <= 1)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "figure ee_pre1: sweep point %d "
                        + "(%s, λ = %s) has mean layers %s and Precision@1 %s; expected layers within [0, %d] and "
                        + "a precision within [0, 1].", i, p.mapping().key(), p.lambda(), p.meanLayers(),
                        p.precision1(), layers));
            }
            byMapping.computeIfAbsent(p.mapping(), m -> new ArrayList<>()).add(p);
        }
        for (List<ExitPoint> points : byMapping.values()) points.sort(Comparator.comparingDouble(ExitPoint::meanLayers));
        return byMapping;
    }
}
