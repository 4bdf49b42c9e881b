package dev.jtc.shortcuts.figures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class R2HeatmapTest {

    /**
     * Viridis as published (matplotlib's table, and R viridisLite's viridis(9)) at 0, 1/8, ..., 1: the colours
     * the cells must show, written out here rather than taken from the code under test.
     */
    private static final int[] VIRIDIS_EIGHTHS =
            {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725};
    private static final int WHITE = 0xFFFFFF;

    /** Probe cells: the top-right corner (which locates the grid), the first off-diagonal cell, the last row's. */
    private record Panel(String name, double[][] r2, double fill, double corner, double first, double last) {
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 12, 48})
    void writesPngSvgAndPdfOfTheFigure(int layers, @TempDir Path dir) throws Exception {
        // Everything on a viridis sample except id's corner, which is negative (drawn as 0), and id's last row,
        // halfway between two samples (checks the interpolation).
        Panel mat = panel("mat", layers, 0.5, 0.125, 0.875, 0.25);
        Panel id = panel("id", layers, 0.75, -0.4, 0.25, 0.5625);
        R2Heatmap.write(dir, "r2_scores", mat.r2(), id.r2(), "gpt2 (L = " + layers + ") on wikitext-103 validation");

        assertEquals(Set.of("r2_scores.png", "r2_scores.svg", "r2_scores.pdf"), names(dir),
                "exactly the three figures, no temporary files left behind");

        BufferedImage png = ImageIO.read(dir.resolve("r2_scores.png").toFile());
        assertEquals(R2Heatmap.WIDTH * FigureFiles.PNG_SCALE, png.getWidth());
        assertEquals(R2Heatmap.HEIGHT * FigureFiles.PNG_SCALE, png.getHeight());
        assertCells(png, 0, mat);
        assertCells(png, R2Heatmap.PANEL_WIDTH, id);

        Document svg = parseXml(dir.resolve("r2_scores.svg"));
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals("0 0 " + R2Heatmap.WIDTH + " " + R2Heatmap.HEIGHT, svg.getDocumentElement().getAttribute("viewBox"));
        assertTrue(svg.getElementsByTagName("image").getLength() == 0, "the SVG must be vector only, no raster images");

        String pdf = new String(Files.readAllBytes(dir.resolve("r2_scores.pdf")), StandardCharsets.ISO_8859_1);
        assertTrue(pdf.startsWith("%PDF-") && pdf.strip().endsWith("%%EOF"), "the PDF must be a whole PDF file");
    }

    @Test
    void replacesAnEarlierFigureAndIgnoresTheLowerTriangle(@TempDir Path dir) throws Exception {
        double[][] first = filled(3, 0.2), second = filled(3, 0.9);
        for (double[] row : second) Arrays.fill(row, 0, 1, Double.NaN); // lower triangle and [0][0] are not read
        R2Heatmap.write(dir, "fig", first, first, "first");
        byte[] before = Files.readAllBytes(dir.resolve("fig.png"));
        R2Heatmap.write(dir, "fig", second, second, "second");
        assertTrue(!Arrays.equals(before, Files.readAllBytes(dir.resolve("fig.png"))), "the figure was not replaced");
        assertEquals(Set.of("fig.png", "fig.svg", "fig.pdf"), names(dir));
    }

    @Test
    void aFailedWriteNamesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        // A non-empty directory where the PNG should go cannot be replaced by a rename.
        Files.createDirectories(dir.resolve("fig.png").resolve("occupied"));
        IOException e = assertThrows(IOException.class,
                () -> R2Heatmap.write(dir, "fig", filled(3, 0.5), filled(3, 0.5), "t"));
        assertTrue(e.getMessage().startsWith(dir.resolve("fig.png") + ": cannot write the figure"), e.getMessage());
        assertEquals(Set.of("fig.png"), names(dir));
    }

    @Test
    void badInputIsOneSentenceNamingTheProblem(@TempDir Path dir) {
        double[][] ok = filled(4, 0.5);
        double[][] nan = filled(4, 0.5);
        nan[1][3] = Double.NaN;
        double[][] ragged = filled(4, 0.5);
        ragged[2] = new double[3];
        assertMessage("mat[1][3] is NaN; scores above the diagonal (source < target) must be finite",
                () -> R2Heatmap.write(dir, "f", nan, ok, "t"));
        assertMessage("id must be square, but row 2 has 3 entries for 4 rows",
                () -> R2Heatmap.write(dir, "f", ok, ragged, "t"));
        assertMessage("mat and id must cover the same layers, got 4 × 4 and 3 × 3",
                () -> R2Heatmap.write(dir, "f", ok, filled(3, 0.5), "t"));
        assertMessage("mat must be an (L+1) × (L+1) table with L ≥ 1, got 1 rows",
                () -> R2Heatmap.write(dir, "f", filled(1, 0.5), filled(1, 0.5), "t"));
        assertMessage("the base name must be a plain file name without directories, got \"a/b\"",
                () -> R2Heatmap.write(dir, "a/b", ok, ok, "t"));
    }

    private static void assertMessage(String expected, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.startsWith("r2 heatmap: ") && message.endsWith(".") && message.contains(expected), message);
    }

    private static Panel panel(String name, int layers, double fill, double corner, double first, double last) {
        double[][] r2 = filled(layers + 1, fill);
        r2[0][layers] = corner;
        r2[0][1] = first;
        r2[layers - 1][layers] = last;
        return new Panel(name, r2, fill, corner, first, last);
    }

    /** An (n × n) table with {@code value} above the diagonal and NaN elsewhere. */
    private static double[][] filled(int n, double value) {
        double[][] t = new double[n][n];
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < n; c++) t[s][c] = c > s ? value : Double.NaN;
        }
        return t;
    }

    /**
     * Finds the panel's grid from its top-right cell (the largest patch of that cell's colour in the panel),
     * then checks the centre of every cell: upper triangle in its value's colour, diagonal in the colour of 1,
     * lower triangle blank.
     */
    private static void assertCells(BufferedImage png, int panelLeft, Panel p) {
        int layers = p.r2().length - 1, scale = FigureFiles.PNG_SCALE;
        Rectangle panel = new Rectangle(panelLeft * scale, R2Heatmap.TITLE_HEIGHT * scale,
                R2Heatmap.PANEL_WIDTH * scale, R2Heatmap.PANEL_HEIGHT * scale);
        Rectangle corner = largestPatch(png, panel, viridis(p.corner()));
        assertTrue(corner.width > 4 && corner.height > 4, p.name() + ": no patch in the corner cell's colour");
        int midY = corner.y + corner.height / 2, midX = corner.x + corner.width / 2;
        int left = corner.x, bottom = corner.y + corner.height - 1;
        while (left > panel.x && rgb(png, left - 1, midY) != WHITE) left--;
        while (bottom < panel.y + panel.height - 1 && rgb(png, midX, bottom + 1) != WHITE) bottom++;
        double cellWidth = (corner.x + corner.width - left) / (layers + 1.0);
        double cellHeight = (bottom + 1 - corner.y) / (layers + 1.0);
        assertEquals(cellWidth, cellHeight, 0.15 * cellWidth, p.name() + ": cells should be about square");

        List<Executable> checks = new ArrayList<>();
        for (int s = 0; s <= layers; s++) {
            for (int t = 0; t <= layers; t++) {
                int x = (int) (left + (t + 0.5) * cellWidth), y = (int) (corner.y + (s + 0.5) * cellHeight);
                int expected = t < s ? WHITE : t == s ? viridis(1) : viridis(p.r2()[s][t]);
                int actual = rgb(png, x, y);
                String where = p.name() + " cell (source " + s + ", target " + t + ") at pixel " + x + "," + y;
                checks.add(() -> assertColour(expected, actual, where));
            }
        }
        assertAll(checks);
    }

    /** Exact on viridis samples; within one level per channel between them (XChart truncates, we interpolate). */
    private static void assertColour(int expected, int actual, String where) {
        int tolerance = isSample(expected) || expected == WHITE ? 0 : 1;
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = expected >> shift & 0xFF, a = actual >> shift & 0xFF;
            if (Math.abs(e - a) > tolerance) {
                throw new AssertionError(where + ": expected #" + hex(expected) + ", got #" + hex(actual));
            }
        }
    }

    private static boolean isSample(int rgb) {
        return Arrays.stream(VIRIDIS_EIGHTHS).anyMatch(v -> v == rgb);
    }

    /** The published viridis at a value clipped to [0, 1], linear between the eighths. */
    private static int viridis(double value) {
        double v = Math.min(1, Math.max(0, value)) * 8;
        int i = (int) Math.min(7, Math.floor(v));
        double f = v - i;
        int a = VIRIDIS_EIGHTHS[i], b = VIRIDIS_EIGHTHS[i + 1], rgb = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            double c = (a >> shift & 0xFF) + f * ((b >> shift & 0xFF) - (a >> shift & 0xFF));
            rgb |= (int) Math.round(c) << shift;
        }
        return rgb;
    }

    /** Bounding box of the largest 4-connected patch of exactly {@code rgb} inside {@code area}. */
    private static Rectangle largestPatch(BufferedImage png, Rectangle area, int rgb) {
        boolean[][] seen = new boolean[area.width][area.height];
        Rectangle best = new Rectangle();
        int bestSize = 0;
        for (int x0 = area.x; x0 < area.x + area.width; x0++) {
            for (int y0 = area.y; y0 < area.y + area.height; y0++) {
                if (seen[x0 - area.x][y0 - area.y] || rgb(png, x0, y0) != rgb) continue;
                Rectangle box = new Rectangle(x0, y0, 1, 1);
                int size = 0;
                ArrayDeque<int[]> todo = new ArrayDeque<>();
                todo.add(new int[]{x0, y0});
                seen[x0 - area.x][y0 - area.y] = true;
                while (!todo.isEmpty()) {
                    int[] q = todo.poll();
                    size++;
                    box.add(new Rectangle(q[0], q[1], 1, 1));
                    for (int[] d : new int[][]{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                        int x = q[0] + d[0], y = q[1] + d[1];
                        if (area.contains(x, y) && !seen[x - area.x][y - area.y] && rgb(png, x, y) == rgb) {
                            seen[x - area.x][y - area.y] = true;
                            todo.add(new int[]{x, y});
                        }
                    }
                }
                if (size > bestSize) {
                    bestSize = size;
                    best = box;
                }
            }
        }
        return best;
    }

    private static int rgb(BufferedImage png, int x, int y) {
        return png.getRGB(x, y) & 0xFFFFFF;
    }

    private static String hex(int rgb) {
        return String.format("%06X", rgb);
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        // The SVG names the W3C DTD; parsing must not try to fetch it (tests run offline).
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(file.toFile());
    }
}
