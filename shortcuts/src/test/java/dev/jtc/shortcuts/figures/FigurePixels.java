package dev.jtc.shortcuts.figures;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a line figure's PNG the way a reader's eye does: where a colour is, row by row. A horizontal curve
 * (a metric that is the same at every layer) is a run of rows that hold its colour across the plot.
 */
record FigurePixels(BufferedImage png) {

    static FigurePixels read(Path file) throws IOException {
        return new FigurePixels(ImageIO.read(file.toFile()));
    }

    /** A colour as a translucent fill of the given opacity leaves it on white. */
    static int overWhite(int rgb, int alpha) {
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int c = rgb >> shift & 0xFF;
            out |= Math.round(c * alpha / 255f + 255 * (255 - alpha) / 255f) << shift;
        }
        return out;
    }

    /** Pixels within {@code tolerance} of {@code rgb} per channel in columns [from, to). */
    int count(int rgb, int tolerance, int from, int to) {
        int n = 0;
        for (int y = 0; y < png.getHeight(); y++) n += countInRow(y, rgb, tolerance, from, to);
        return n;
    }

    /**
     * The rows with at least {@code minimum} pixels of the colour in columns [from, to), as {first, last};
     * null when there are none.
     */
    int[] rows(int rgb, int tolerance, int from, int to, int minimum) {
        int first = -1, last = -1;
        for (int y = 0; y < png.getHeight(); y++) {
            if (countInRow(y, rgb, tolerance, from, to) >= minimum) {
                if (first < 0) first = y;
                last = y;
            }
        }
        return first < 0 ? null : new int[]{first, last};
    }

    /** The middle of the rows that hold a horizontal line of the colour. */
    double lineRow(int rgb, int from, int to, int minimum) {
        int[] r = rows(rgb, 0, from, to, minimum);
        if (r == null) throw new AssertionError("no horizontal line of #" + Integer.toHexString(rgb) + " in columns "
                + from + ".." + to);
        return (r[0] + r[1]) / 2.0;
    }

    int width() {
        return png.getWidth();
    }

    int height() {
        return png.getHeight();
    }

    private int countInRow(int y, int rgb, int tolerance, int from, int to) {
        int n = 0;
        for (int x = from; x < to; x++) {
            int p = png.getRGB(x, y);
            boolean near = true;
            for (int shift = 0; shift <= 16 && near; shift += 8) {
                near = Math.abs((p >> shift & 0xFF) - (rgb >> shift & 0xFF)) <= tolerance;
            }
            if (near) n++;
        }
        return n;
    }
}
