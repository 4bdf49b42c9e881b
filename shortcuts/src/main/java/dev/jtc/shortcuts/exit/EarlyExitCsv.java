package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.metrics.CsvRows;
import dev.jtc.weights.AtomicFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code early_exit.csv}: one line per point, {@code mapping,lambda,mean_layers,precision1}. A fixed-exit point (λ
 * NaN, see {@link ExitSweep#fixed}) has an empty lambda field, so the sweep and the fixed curve share one file and a
 * plotting script separates them by that field. Numbers are written by {@link Double#toString}, the shortest decimal
 * that reads back to the same double in any locale.
 */
public final class EarlyExitCsv {

    static final String HEADER = "mapping,lambda,mean_layers,precision1";

    private EarlyExitCsv() {
    }

    public static void write(Path file, List<ExitPoint> points) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (ExitPoint p : points) {
            csv.append(p.mapping().key()).append(',').append(Double.isNaN(p.lambda()) ? "" : Double.toString(p.lambda()))
                    .append(',').append(p.meanLayers()).append(',').append(p.precision1()).append('\n');
        }
        AtomicFile.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static List<ExitPoint> read(Path file) {
        List<ExitPoint> points = new ArrayList<>();
        for (CsvRows.Row row : CsvRows.read(file, HEADER)) {
            double lambda = row.field(1).isEmpty() ? Double.NaN : row.number(1, "lambda");
            points.add(new ExitPoint(row.mapping(0), lambda, row.number(2, "mean_layers"), row.number(3, "precision1")));
        }
        return points;
    }
}
