package dev.jtc.shortcuts.figures;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One panel of curves over layers 0..L in the figures' common style (white, light grid, the r² heatmap's
 * fonts), and the row of panels under a title that every line figure is. XChart draws it; a confidence band
 * is a translucent polygon drawn before any line, so lines always lie on top of bands.
 */
final class LinePanel {

    static final int TITLE_HEIGHT = 40;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final float LINE_WIDTH = 2f;
    static final BasicStroke DASHED = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
            10f, new float[]{7f, 4f}, 0f);

    private final XYChart chart;
    private int bands;

    /** Where the legend goes: inside, in a corner the curves leave empty, or right of the plot. */
    enum LegendPlace {
        LOWER_RIGHT(Styler.LegendPosition.InsideSE), UPPER_RIGHT(Styler.LegendPosition.InsideNE),
        OUTSIDE_RIGHT(Styler.LegendPosition.OutsideE);

        private final Styler.LegendPosition position;

        LegendPlace(Styler.LegendPosition position) {
            this.position = position;
        }
    }

    LinePanel(String title, String xAxisTitle, String yAxisTitle, int layers, LegendPlace legend) {
        chart = new XYChartBuilder().title(title).xAxisTitle(xAxisTitle).yAxisTitle(yAxisTitle).build();
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.GRAY);
        s.setPlotGridLinesColor(new Color(0xE0E0E0));
        s.setChartTitleFont(PANEL_TITLE_FONT);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE_FONT);
        s.setAxisTickLabelsFont(TICK_FONT);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendPosition(legend.position);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        s.setLegendSeriesLineLength(28);
        s.setMarkerSize(7);
        s.setXAxisMin(0.0);
        s.setXAxisMax((double) layers);
        // Layers are whole numbers; XChart may place a tick between two of them, which stays unlabelled.
        s.setXAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? Long.toString(Math.round(x)) : "");
    }

    LinePanel yRange(double min, double max) {
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max);
        return this;
    }

    LinePanel yDecimals(String pattern) {
        chart.getStyler().setYAxisDecimalPattern(pattern);
        return this;
    }

    /** The curve's 95% interval as a translucent band, kept out of the legend. */
    void band(MetricCurves.Curve curve) {
        double[] lo = curve.lows(), hi = curve.highs();
        int n = lo.length;
        double[] x = new double[2 * n], y = new double[2 * n];
        for (int layer = 0; layer < n; layer++) {
            x[layer] = layer;
            y[layer] = hi[layer];
            x[2 * n - 1 - layer] = layer;
            y[2 * n - 1 - layer] = lo[layer];
        }
        // Series names must be unique in XChart; a band never shows its name.
        XYSeries s = chart.addSeries("95% interval " + (bands++) + " of " + curve.mapping().key(), x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setFillColor(MappingColours.band(curve.mapping()));
        s.setLineStyle(SeriesLines.NONE);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** The curve's values as a solid line in its mapping's colour, labelled with the mapping's key. */
    void line(MetricCurves.Curve curve) {
        double[] value = curve.values();
        double[] x = new double[value.length];
        for (int layer = 0; layer < x.length; layer++) x[layer] = layer;
        line(curve.mapping().key(), x, value, MappingColours.line(curve.mapping()), new BasicStroke(LINE_WIDTH),
                SeriesMarkers.NONE);
    }

    void line(String label, double[] x, double[] y, Color colour, BasicStroke stroke, Marker marker) {
        XYSeries s = chart.addSeries(label, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(colour);
        s.setLineStyle(stroke);
        s.setMarker(marker);
        s.setMarkerColor(colour);
    }

    /** Writes the panels side by side, each width × height, under {@code title}, as one figure. */
    static void writeRow(Path directory, String baseName, String title, List<LinePanel> panels, int width,
            int height) throws IOException {
        int total = width * panels.size();
        FigureFiles.write(directory, baseName, total, TITLE_HEIGHT + height, g -> {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, total, TITLE_HEIGHT + height);
            g.setColor(Color.BLACK);
            OutlineText.draw(g, title, TITLE_FONT, total / 2.0, TITLE_HEIGHT * 0.7, 0.5);
            for (int i = 0; i < panels.size(); i++) panels.get(i).paint(g, i * width, width, height);
        });
    }

    /** XChart paints at the origin, so each panel gets its own translated copy of the graphics. */
    private void paint(Graphics2D g, double left, int width, int height) {
        Graphics2D p = (Graphics2D) g.create();
        try {
            p.translate(left, TITLE_HEIGHT);
            chart.paint(p, width, height);
        } finally {
            p.dispose();
        }
    }
}
