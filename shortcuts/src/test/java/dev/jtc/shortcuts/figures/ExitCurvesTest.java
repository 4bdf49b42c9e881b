package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.exit.ExitPoint;
import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.exit.RetentionRow;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.jtc.shortcuts.figures.LayerCurvesTest.ID;
import static dev.jtc.shortcuts.figures.LayerCurvesTest.MAT;
import static dev.jtc.shortcuts.figures.LayerCurvesTest.assertMessage;
import static dev.jtc.shortcuts.figures.LayerCurvesTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitCurvesTest {

    private static final int TARGET = 0x555555;
    private static final int LAYERS = 6;
    private static final String TITLE = "bert-base-uncased (L = 6) on wikitext-103 validation";

    @Test
    void writesPngSvgAndPdfOfASyntheticRun(@TempDir Path dir) throws IOException {
        SyntheticRun run = SyntheticRun.bertLike(12);
        Path png = ExitCurves.write(dir, run.sweep(), run.metrics(), run.headline(), TITLE);
        assertEquals(dir.resolve("ee_pre1.png"), png);
        assertEquals(Set.of("ee_pre1.png", "ee_pre1.svg", "ee_pre1.pdf"), names(dir));
        FigurePixels pixels = FigurePixels.read(png);
        assertEquals(ExitCurves.WIDTH * FigureFiles.PNG_SCALE, pixels.width());
        assertEquals((LinePanel.TITLE_HEIGHT + ExitCurves.HEIGHT) * FigureFiles.PNG_SCALE, pixels.height());
    }

    /**
     * Every curve flat: id's sweep and fixed exit at Precision@1 0.25, mat's at 0.75, the target at 0.5. The
     * target line must lie halfway between the two mappings' lines, mat above.
     */
    @Test
    void theTargetLineSitsAtTheRetentionBetweenTheCurves(@TempDir Path dir) throws IOException {
        List<MetricValue> values = new ArrayList<>();
        values.addAll(flatPrecision(Mapping.ID, 0.25));
        values.addAll(flatPrecision(Mapping.MAT, 0.75));
        List<ExitPoint> sweep = new ArrayList<>();
        for (int layers = LAYERS; layers >= 1; layers--) {
            sweep.add(new ExitPoint(Mapping.ID, 1.0 / layers, layers, 0.25));
            sweep.add(new ExitPoint(Mapping.MAT, 1.0 / layers, layers, 0.75));
        }
        FigurePixels png = FigurePixels.read(ExitCurves.write(dir, sweep, values, headline(0.5, LAYERS), TITLE));
        int minimum = png.width() / 4;
        double id = png.lineRow(ID, 0, png.width(), minimum);
        double mat = png.lineRow(MAT, 0, png.width(), minimum);
        // The target is dotted (2 on, 3 off): fewer of its pixels share a row.
        double target = png.lineRow(TARGET, 0, png.width(), png.width() / 5);
        assertTrue(id - mat > 100, "mat (0.75) must be well above id (0.25): rows " + mat + " and " + id);
        assertEquals((id + mat) / 2, target, 1.5, "the 50% target must lie halfway between 0.25 and 0.75");
    }

    /** Only the mappings swept are drawn: a sweep of mat alone shows no id curves, fixed exit included. */
    @Test
    void drawsOnlyTheMappingsSwept(@TempDir Path dir) throws IOException {
        SyntheticRun run = SyntheticRun.bertLike(12);
        List<ExitPoint> matOnly = run.sweep().stream().filter(p -> p.mapping() == Mapping.MAT).toList();
        FigurePixels png = FigurePixels.read(ExitCurves.write(dir, matOnly, run.metrics(), run.headline(), TITLE));
        assertEquals(0, png.count(ID, 0, 0, png.width()), "id is not in the sweep, so none of its red");
        assertTrue(png.count(MAT, 0, 0, png.width()) > 500, "mat's curves are missing");
    }

    @Test
    void badInputIsOneSentenceNamingTheProblem(@TempDir Path dir) {
        SyntheticRun run = SyntheticRun.bertLike(LAYERS);
        List<ExitPoint> sweep = run.sweep();
        List<MetricValue> values = run.metrics();
        assertMessage("figure ee_pre1: the early-exit sweep is empty",
                () -> ExitCurves.write(dir, List.of(), values, run.headline(), TITLE));
        assertMessage("figure ee_pre1: the headline is for L = 12 blocks but the metric values run over layers 0..6",
                () -> ExitCurves.write(dir, sweep, values, headline(0.95, 12), TITLE));
        assertMessage("the headline's retention target is 1.5; expected a fraction in (0, 1]",
                () -> ExitCurves.write(dir, sweep, values, headline(1.5, LAYERS), TITLE));
        List<ExitPoint> tooFar = new ArrayList<>(sweep);
        tooFar.add(new ExitPoint(Mapping.MAT, 2.0, 7.5, 1.0));
        assertMessage("sweep point " + sweep.size() + " (mat, λ = 2.0) has mean layers 7.5 and Precision@1 1.0; "
                + "expected layers within [0, 6]", () -> ExitCurves.write(dir, tooFar, values, run.headline(), TITLE));
        List<ExitPoint> affine = List.of(new ExitPoint(Mapping.AFFINE, 0.5, 3, 0.5));
        assertMessage("figure ee_pre1 (the fixed-exit curve of affine) needs affine precision@1 by layer",
                () -> ExitCurves.write(dir, affine, values, run.headline(), TITLE));
    }

    private static List<MetricValue> flatPrecision(Mapping m, double value) {
        List<MetricValue> rows = new ArrayList<>();
        for (int layer = 0; layer <= LAYERS; layer++) {
            rows.add(new MetricValue(m, layer, Metric.PRECISION, 1, value, value, value));
        }
        return rows;
    }

    private static Headline headline(double retention, int blocks) {
        return new Headline(retention, blocks, List.of(new RetentionRow(Mapping.ID, Double.NaN, Double.NaN)));
    }
}
