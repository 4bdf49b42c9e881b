package dev.jtc.shortcuts.figures;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's r² figure: for every source layer ℓ (rows, 0 at the top) and target layer ℓ′ > ℓ (columns),
 * how well the hidden state at ℓ′ is predicted by the linear map A_{ℓ′,ℓ} of the state at ℓ ("mat", left
 * panel) and by the state at ℓ itself ("id", right panel). Only the upper triangle means anything; the
 * diagonal is drawn as 1 (a layer predicts itself exactly) and the lower triangle is left blank.
 *
 * <p>Both panels share one fixed colour range, [0, 1] in viridis, so their colours compare directly across
 * panels and across models; id often scores below 0 for distant layers, and such cells are drawn in the
 * colour of 0 rather than stretching the scale. Cells carry no numbers: at gpt2-xl's 49 × 49 they would not
 * fit, and one colour of text cannot stay readable over the whole of viridis (dark purple to yellow).
 */
public final class R2Heatmap {

    /** What the blank lower triangle and the margins show. */
    static final Color BACKGROUND = Color.WHITE;

    static final int PANEL_WIDTH = 540;
    static final int PANEL_HEIGHT = 580;
    static final int TITLE_HEIGHT = 40;
    static final int COLOUR_BAR_COLUMN = 90;
    static final int WIDTH = 2 * PANEL_WIDTH + COLOUR_BAR_COLUMN;
    static final int HEIGHT = TITLE_HEIGHT + PANEL_HEIGHT;

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Below this many pixels per tick label, only every few layers are labelled. */
    private static final int MIN_PIXELS_PER_TICK_LABEL = 18;

    private R2Heatmap() {
    }

    /**
     * Writes baseName.png, baseName.svg and baseName.pdf into {@code directory} (created if missing), each
     * atomically. {@code mat[ℓ][ℓ′]} and {@code id[ℓ][ℓ′]} are r² scores, (L+1) × (L+1) with L ≥ 1; only the
     * entries with ℓ < ℓ′ are read, and they must be finite. {@code title} names the model and the corpus.
     */
    public static void write(Path directory, String baseName, double[][] mat, double[][] id, String title)
            throws IOException {
        if (baseName == null || baseName.isBlank() || baseName.contains("/") || baseName.contains("\\")) {
            throw new IllegalArgumentException("r2 heatmap: the base name must be a plain file name without "
                    + "directories, got \"" + baseName + "\".");
        }
        if (title == null) throw new IllegalArgumentException("r2 heatmap: the title must not be null.");
        int layers = checkScores("mat", mat);
        if (checkScores("id", id) != layers) {
            throw new IllegalArgumentException("r2 heatmap: mat and id must cover the same layers, got "
                    + mat.length + " × " + mat.length + " and " + id.length + " × " + id.length + ".");
        }
        HeatMapChart matPanel = panel("mat", mat);
        HeatMapChart idPanel = panel("id", id);
        FigureFiles.write(directory, baseName, WIDTH, HEIGHT, g -> {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            OutlineText.draw(g, title, TITLE_FONT, WIDTH / 2.0, TITLE_HEIGHT * 0.7, 0.5);
            paintPanel(g, matPanel, 0);
            paintPanel(g, idPanel, PANEL_WIDTH);
            new ColourBar(2 * PANEL_WIDTH + 12, TITLE_HEIGHT + PANEL_HEIGHT * 0.2, 18, PANEL_HEIGHT * 0.6, "r²",
                    TICK_FONT).paint(g);
        });
    }

    /** XChart paints at the origin, so each panel gets its own translated copy of the graphics. */
    private static void paintPanel(Graphics2D g, HeatMapChart panel, double left) {
        Graphics2D p = (Graphics2D) g.create();
        try {
            p.translate(left, TITLE_HEIGHT);
            panel.paint(p, PANEL_WIDTH, PANEL_HEIGHT);
        } finally {
            p.dispose();
        }
    }

    /** The number of layers L of an (L+1) × (L+1) score table, after checking its shape and upper triangle. */
    private static int checkScores(String name, double[][] r2) {
        if (r2 == null || r2.length < 2) {
            throw new IllegalArgumentException("r2 heatmap: " + name + " must be an (L+1) × (L+1) table with L ≥ 1, "
                    + "got " + (r2 == null ? "null" : r2.length + " rows") + ".");
        }
        for (int source = 0; source < r2.length; source++) {
            if (r2[source] == null || r2[source].length != r2.length) {
                throw new IllegalArgumentException("r2 heatmap: " + name + " must be square, but row " + source
                        + " has " + (r2[source] == null ? "no" : r2[source].length) + " entries for " + r2.length
                        + " rows.");
            }
            for (int target = source + 1; target < r2.length; target++) {
                if (!Double.isFinite(r2[source][target])) {
                    throw new IllegalArgumentException("r2 heatmap: " + name + "[" + source + "][" + target + "] is "
                            + r2[source][target] + "; scores above the diagonal (source < target) must be finite.");
                }
            }
        }
        return r2.length - 1;
    }

    private static HeatMapChart panel(String name, double[][] r2) {
        int layers = r2.length - 1;
        HeatMapChart chart = new HeatMapChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(name)
                .xAxisTitle("target layer ℓ′").yAxisTitle("source layer ℓ").build();
        style(chart.getStyler());
        int step = labelStep(layers);
        // XChart stacks y categories upwards from index 0, so layer L goes first to put layer 0 at the top.
        List<String> targets = new ArrayList<>(), sources = new ArrayList<>();
        for (int layer = 0; layer <= layers; layer++) targets.add(tickLabel(layer, step));
        for (int layer = layers; layer >= 0; layer--) sources.add(tickLabel(layer, step));
        List<Number[]> cells = new ArrayList<>();
        for (int source = 0; source <= layers; source++) {
            cells.add(new Number[]{source, layers - source, 1.0});
            for (int target = source + 1; target <= layers; target++) {
                cells.add(new Number[]{target, layers - source, r2[source][target]});
            }
        }
        chart.addSeries(name, targets, sources, cells);
        return chart;
    }

    private static void style(HeatMapStyler s) {
        s.setRangeColors(Viridis.SAMPLES);
        s.setPiecewise(false);
        s.setMin(0);
        s.setMax(1);
        // Adjacent cells meet at fractional pixels; outlining each in its own colour hides the seams.
        s.setDrawBorder(true);
        s.setShowValue(false);
        s.setChartBackgroundColor(BACKGROUND);
        s.setPlotBackgroundColor(BACKGROUND);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesVisible(false);
        // One colour bar for both panels is drawn beside them (see ColourBar for why not XChart's legend).
        s.setLegendVisible(false);
        s.setChartTitleFont(PANEL_TITLE_FONT);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE_FONT);
        s.setAxisTickLabelsFont(TICK_FONT);
        s.setXAxisTickMarkSpacingHint(1);
    }

    /** Label every layer when they fit, else every 2nd, 4th, 5th or 10th... so that labels never overlap. */
    private static int labelStep(int layers) {
        double pixelsPerLayer = PANEL_WIDTH * 0.7 / (layers + 1);
        for (int step : new int[]{1, 2, 4, 5, 10, 20, 50}) {
            if (step * pixelsPerLayer >= MIN_PIXELS_PER_TICK_LABEL) return step;
        }
        return 100;
    }

    /** XChart labels categories by their text and cannot draw an empty one, so unlabelled layers get a space. */
    private static String tickLabel(int layer, int step) {
        return layer % step == 0 ? Integer.toString(layer) : " ";
    }
}
