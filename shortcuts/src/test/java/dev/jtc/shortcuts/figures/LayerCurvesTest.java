package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerCurvesTest {

    /** The paper's colours (docs/method.md §8) and ours for affine, written out here rather than read from the code. */
    static final int ID = 0xD62728, MAT = 0x1F77B4, MAT_ATTN = 0x2CA02C, MAT_FFN = 0xCC00CC, MAT_LN = 0xFF7F0E,
            AFFINE = 0x8C564B;
    /** A band's opacity, 56 of 255 (about 22%). */
    static final int BAND_ALPHA = 56;
    private static final int SCALE = FigureFiles.PNG_SCALE;
    private static final String TITLE = "gpt2 (L = 6) on wikitext-103 validation";

    @Test
    void writesEachFigureAsPngSvgAndPdfAtItsSize(@TempDir Path dir) throws IOException {
        List<MetricValue> values = SyntheticRun.gpt2Like(12).metrics();
        assertEquals(dir.resolve("pre.png"), LayerCurves.writePrecision(dir, values, TITLE));
        assertEquals(dir.resolve("surp.png"), LayerCurves.writeSurprisal(dir, values, TITLE));
        assertEquals(dir.resolve("kl.png"), LayerCurves.writeKl(dir, values, TITLE));
        assertEquals(List.of(dir.resolve("parts_pre1.png"), dir.resolve("parts_pre5.png"),
                dir.resolve("parts_pre10.png"), dir.resolve("parts_surp.png")), LayerCurves.writeParts(dir, values, TITLE));
        Set<String> expected = new TreeSet<>();
        for (String name : List.of("pre", "surp", "kl", "parts_pre1", "parts_pre5", "parts_pre10", "parts_surp")) {
            for (String ext : List.of("png", "svg", "pdf")) expected.add(name + "." + ext);
        }
        assertEquals(expected, names(dir), "exactly the figures, no temporary files left behind");
        FigurePixels pre = FigurePixels.read(dir.resolve("pre.png"));
        assertEquals(3 * LayerCurves.PRE_PANEL_WIDTH * SCALE, pre.width());
        assertEquals((LinePanel.TITLE_HEIGHT + LayerCurves.PANEL_HEIGHT) * SCALE, pre.height());
        FigurePixels surp = FigurePixels.read(dir.resolve("surp.png"));
        assertEquals(LayerCurves.PANEL_WIDTH * SCALE, surp.width());
        String svg = Files.readString(dir.resolve("pre.svg"));
        assertTrue(!svg.contains("<image"), "the SVG must be vector only, no raster images");
        assertTrue(svg.contains("fill-opacity:0.2196"), "the bands must stay translucent in the SVG");
    }

    /**
     * Flat curves at known heights: id at 0.25 ± 0.1, affine at 0.5, mat at 0.75. On a linear axis affine's
     * line must lie exactly halfway between id's and mat's, mat above id, and id's band must reach a fifth of
     * the id–mat distance either side of its line.
     */
    @Test
    void precisionLinesAndBandsSitWhereTheirValuesSay(@TempDir Path dir) throws IOException {
        List<MetricValue> values = new ArrayList<>();
        for (int k : new int[]{1, 5, 10}) {
            values.addAll(flat(Mapping.ID, Metric.PRECISION, k, 0.25, 0.1));
            values.addAll(flat(Mapping.MAT, Metric.PRECISION, k, 0.75, 0.01));
            values.addAll(flat(Mapping.AFFINE, Metric.PRECISION, k, 0.5, 0.01));
        }
        FigurePixels png = FigurePixels.read(LayerCurves.writePrecision(dir, values, TITLE));
        for (int panel = 0; panel < 3; panel++) {
            int from = panel * LayerCurves.PRE_PANEL_WIDTH * SCALE, to = from + LayerCurves.PRE_PANEL_WIDTH * SCALE;
            assertFlatLines(png, from, to, 0.1, 0.5);
        }
    }

    @Test
    void surprisalLinesAndBandsSitWhereTheirValuesSay(@TempDir Path dir) throws IOException {
        List<MetricValue> values = new ArrayList<>();
        values.addAll(flat(Mapping.ID, Metric.SURPRISAL, 0, 1.0, 0.4));
        values.addAll(flat(Mapping.MAT, Metric.SURPRISAL, 0, 3.0, 0.04));
        values.addAll(flat(Mapping.AFFINE, Metric.SURPRISAL, 0, 2.0, 0.04));
        FigurePixels png = FigurePixels.read(LayerCurves.writeSurprisal(dir, values, TITLE));
        assertFlatLines(png, 0, png.width(), 0.4, 2.0);
    }

    /** Each figure shows its mappings in the paper's colours and no others; a run without affine draws none. */
    @Test
    void everyMappingKeepsItsColourInEveryFigure(@TempDir Path dir) throws IOException {
        List<MetricValue> gpt2 = SyntheticRun.gpt2Like(12).metrics();
        List<MetricValue> bert = SyntheticRun.bertLike(12).metrics();
        assertColours(LayerCurves.writePrecision(dir.resolve("gpt2"), gpt2, TITLE), Set.of(ID, MAT, AFFINE));
        assertColours(LayerCurves.writeSurprisal(dir.resolve("gpt2"), gpt2, TITLE), Set.of(ID, MAT, AFFINE));
        assertColours(LayerCurves.writeKl(dir.resolve("gpt2"), gpt2, TITLE), Set.of(ID, MAT, AFFINE));
        for (Path part : LayerCurves.writeParts(dir.resolve("gpt2"), gpt2, TITLE)) {
            assertColours(part, Set.of(MAT_ATTN, MAT_FFN, MAT_LN, MAT));
        }
        assertColours(LayerCurves.writePrecision(dir.resolve("bert"), bert, TITLE), Set.of(ID, MAT));
        assertColours(LayerCurves.writeSurprisal(dir.resolve("bert"), bert, TITLE), Set.of(ID, MAT));
    }

    @Test
    void badInputIsOneSentenceNamingTheProblem(@TempDir Path dir) {
        List<MetricValue> bert = SyntheticRun.bertLike(4).metrics();
        assertMessage("metric values: none were given", () -> LayerCurves.writePrecision(dir, List.of(), TITLE));
        assertMessage("figure parts_pre1 needs mat_attn precision@1 by layer, but the metric values have no such rows",
                () -> LayerCurves.writeParts(dir, bert, TITLE));
        assertMessage("the title must name the model, got a blank one", () -> LayerCurves.writeKl(dir, bert, " "));
        List<MetricValue> missing = new ArrayList<>(bert);
        missing.removeIf(v -> v.mapping() == Mapping.MAT && v.metric() == Metric.SURPRISAL && v.layer() == 2);
        assertMessage("mat surprisal has no value at layer 2; every curve needs one at each layer 0..4",
                () -> LayerCurves.writeSurprisal(dir, missing, TITLE));
        List<MetricValue> twice = new ArrayList<>(bert);
        twice.add(new MetricValue(Mapping.ID, 3, Metric.PRECISION, 5, 0.5, 0.4, 0.6));
        assertMessage("id precision@5 at layer 3 appears twice", () -> LayerCurves.writePrecision(dir, twice, TITLE));
        List<MetricValue> outside = new ArrayList<>(bert);
        outside.add(new MetricValue(Mapping.AFFINE, 0, Metric.PRECISION, 1, 0.5, 0.6, 0.7));
        assertMessage("affine precision@1 at layer 0 has value 0.5 outside its 95% interval [0.6, 0.7]",
                () -> LayerCurves.writePrecision(dir, outside, TITLE));
        List<MetricValue> badK = new ArrayList<>(bert);
        badK.add(new MetricValue(Mapping.ID, 0, Metric.KL, 3, 0.5, 0.4, 0.6));
        assertMessage("id kl at layer 0 has k = 3; k must be 1, 5 or 10 for precision and 0 for surprisal and kl",
                () -> LayerCurves.writeKl(dir, badK, TITLE));
        List<MetricValue> aboveOne = new ArrayList<>(bert);
        aboveOne.add(new MetricValue(Mapping.AFFINE, 0, Metric.PRECISION, 1, 1.0, 0.9, 1.2));
        assertMessage("affine precision@1 at layer 0 has interval [0.9, 1.2]; a precision lies within [0, 1]",
                () -> LayerCurves.writePrecision(dir, aboveOne, TITLE));
    }

    /**
     * id, affine and mat drawn flat, affine's value halfway between the others'; {@code idHalfWidth} is id's
     * interval either side of its value, {@code idToMat} the distance of the two values.
     */
    private static void assertFlatLines(FigurePixels png, int from, int to, double idHalfWidth, double idToMat) {
        // A horizontal line fills most of the plot's width; legend samples and crossings fill far less.
        int minimum = (to - from) / 3;
        double id = png.lineRow(ID, from, to, minimum);
        double mat = png.lineRow(MAT, from, to, minimum);
        double affine = png.lineRow(AFFINE, from, to, minimum);
        double distance = Math.abs(id - mat);
        assertTrue(distance > 100, "id and mat lines should be far apart, at rows " + id + " and " + mat);
        assertEquals((id + mat) / 2, affine, 1.5, "affine (the middle value) must lie halfway between id and mat");
        int[] band = png.rows(FigurePixels.overWhite(ID, BAND_ALPHA), 2, from, to, minimum);
        assertTrue(band != null, "id's band is missing");
        double expectedHalf = idHalfWidth / idToMat * distance;
        assertEquals(expectedHalf, (band[1] - band[0] + 1) / 2.0, 2.5, "id's band height");
        assertEquals(id, (band[0] + band[1]) / 2.0, 2.0, "id's band must be centred on its line");
    }

    /** Rows of a curve that is {@code value ± halfWidth} at every layer 0..6. */
    private static List<MetricValue> flat(Mapping m, Metric metric, int k, double value, double halfWidth) {
        List<MetricValue> rows = new ArrayList<>();
        for (int layer = 0; layer <= 6; layer++) {
            rows.add(new MetricValue(m, layer, metric, k, value, value - halfWidth, value + halfWidth));
        }
        return rows;
    }

    private static void assertColours(Path png, Set<Integer> expected) throws IOException {
        FigurePixels pixels = FigurePixels.read(png);
        for (int colour : new int[]{ID, MAT, MAT_ATTN, MAT_FFN, MAT_LN, AFFINE}) {
            int n = pixels.count(colour, 0, 0, pixels.width());
            if (expected.contains(colour)) {
                assertTrue(n > 500, png.getFileName() + " should draw #" + Integer.toHexString(colour) + ", has " + n + " px");
            } else {
                assertEquals(0, n, png.getFileName() + " should not draw #" + Integer.toHexString(colour));
            }
        }
    }

    static void assertMessage(String expected, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(expected) && message.endsWith("."), message);
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
