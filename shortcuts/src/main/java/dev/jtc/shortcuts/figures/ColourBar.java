package dev.jtc.shortcuts.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * A vertical viridis scale for [0, 1], 0 at the bottom, with ticks every 0.2 and a caption on top. It is
 * drawn as solid bands rather than with a gradient paint: VectorGraphics2D rasterises every fill that follows
 * a gradient, which would turn the vector figures into pictures.
 */
record ColourBar(double x, double y, double width, double height, String caption, Font font) {

    private static final int BANDS = 256;
    private static final int TICKS = 5;

    void paint(Graphics2D g) {
        Graphics2D bands = (Graphics2D) g.create();
        try {
            // Without antialiasing adjacent bands meet exactly instead of showing hairline seams.
            bands.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            double band = height / BANDS;
            for (int i = 0; i < BANDS; i++) {
                bands.setColor(Viridis.at((i + 0.5) / BANDS));
                // Each band reaches into the one above so rounding never leaves a background gap between them.
                bands.fill(new Rectangle2D.Double(x, y + height - (i + 1) * band, width, band + (i + 1 < BANDS ? 1 : 0)));
            }
        } finally {
            bands.dispose();
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(0.8f));
        g.draw(new Rectangle2D.Double(x, y, width, height));
        double labelShift = OutlineText.digitHeight(font) / 2;
        for (int i = 0; i <= TICKS; i++) {
            double value = (double) i / TICKS;
            double at = y + height - value * height;
            g.draw(new Line2D.Double(x + width, at, x + width + 4, at));
            OutlineText.draw(g, String.format(Locale.ROOT, "%.1f", value), font, x + width + 7, at + labelShift, 0);
        }
        OutlineText.draw(g, caption, font, x + width / 2, y - 10, 0.5);
    }
}
