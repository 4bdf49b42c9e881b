package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one sentence naming what was wrong, and leaves the accumulator as it was. */
class BadInputTest {

    private static final LeastSquaresOptions PAPER = LeastSquaresOptions.paper();

    @Test
    void segmentsTooSmallForTheRows() {
        TsqrAccumulator acc = new TsqrAccumulator(8, 2, 4, PAPER);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(3 * 8 * 4), y = arena.allocate(3 * 4 * 4), small = arena.allocate(2 * 4 * 4);
            sentence("addRows: x must hold 4 rows × 8 values = 32, got 24 values.",
                    () -> acc.addRows(4, x, new MemorySegment[]{y, y}));
            sentence("addRows: y[1] must hold 3 rows × 4 values = 12, got 8 values.",
                    () -> acc.addRows(3, x, new MemorySegment[]{y, small}));
            sentence("addRows: y must hold one block of rows per target, 2 in all, got 1.",
                    () -> acc.addRows(3, x, new MemorySegment[]{y}));
        }
        assertEquals(0, acc.rowCount());
    }

    @Test
    void nonFiniteRowsAreRejectedWhole() {
        TsqrAccumulator acc = new TsqrAccumulator(3, 1, 2, PAPER);
        double[] x = {1, 2, 3, 4, 5, 6}, y = {1, 2, 3, 4};
        acc.addRows(2, x, new double[][]{y});
        double[] nan = x.clone();
        nan[4] = Double.NaN;
        sentence("addRows: x row 1 column 1 is NaN; least-squares rows must be finite, so none of this call's rows were added.",
                () -> acc.addRows(2, nan, new double[][]{y}));
        double[] inf = y.clone();
        inf[3] = Double.NEGATIVE_INFINITY;
        sentence("addRows: y[0] row 1 column 1 is -Infinity; least-squares rows must be finite, so none of this call's rows were added.",
                () -> acc.addRows(2, x, new double[][]{inf}));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(2 * 3 * 4), ys = arena.allocate(2 * 2 * 4);
            xs.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 2, Float.POSITIVE_INFINITY);
            sentence("addRows: x row 0 column 2 is Infinity; least-squares rows must be finite, so none of this call's rows were added.",
                    () -> acc.addRows(2, xs, new MemorySegment[]{ys}));
        }
        assertEquals(2, acc.rowCount());
    }

    @Test
    void mergeNeedsTheSameShapeAndOptions() {
        TsqrAccumulator acc = new TsqrAccumulator(8, 2, 4, PAPER);
        TsqrAccumulator otherShape = new TsqrAccumulator(8, 3, 4, PAPER);
        TsqrAccumulator otherOptions = new TsqrAccumulator(8, 2, 4, new LeastSquaresOptions(Intercept.FITTED, 0, DataPrecision.FLOAT32));
        assertTrue(message(() -> acc.merge(otherShape)).startsWith("merge: accumulators must have the same shape and options; "
                + "this one has sourceWidth 8, 2 targets of width 4"));
        assertTrue(message(() -> acc.merge(otherOptions)).contains("intercept=FITTED"));
        sentence("merge: needs another accumulator, got this one.", () -> acc.merge(acc));
    }

    @Test
    void badShapesAndOptions() {
        sentence("an accumulator needs sourceWidth, targets and targetWidth of at least 1, got 0, 1 and 1.",
                () -> new TsqrAccumulator(0, 1, 1, PAPER));
        sentence("the ridge weight must be a finite number ≥ 0, got -1.0.",
                () -> new LeastSquaresOptions(Intercept.NONE, -1, DataPrecision.FLOAT32));
        sentence("the ridge weight must be a finite number ≥ 0, got NaN.",
                () -> new LeastSquaresOptions(Intercept.NONE, Double.NaN, DataPrecision.FLOAT32));
        sentence("addRows: the row count must be ≥ 0, got -1.",
                () -> new TsqrAccumulator(2, 1, 1, PAPER).addRows(-1, new double[0], new double[][]{new double[0]}));
        var e = assertThrows(IllegalStateException.class, () -> new TsqrAccumulator(2, 1, 1, PAPER).solve());
        assertEquals("solve: no rows have been added, so there is nothing to fit.", e.getMessage());
    }

    @Test
    void allZeroSourceGivesZeroMapsAndSaysSo() {
        TsqrAccumulator acc = new TsqrAccumulator(3, 1, 2, PAPER);
        acc.addRows(2, new double[6], new double[][]{{1, 2, 3, 4}});
        LeastSquaresSolution s = acc.solve();
        assertEquals(0, s.rank().rank());
        assertTrue(s.rank().message().startsWith("numerical rank 0 of 3"), s.rank().message());
        for (float v : s.map(0)) assertEquals(0f, v);
        assertEquals(30.0, s.residualSumOfSquares(0), 1e-12);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> s.map(1));
        assertEquals("target 1 is not one of this solution's 1 targets (0..0).", e.getMessage());
    }

    private static void sentence(String expected, Executable call) {
        assertEquals(expected, message(call));
    }

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }
}
