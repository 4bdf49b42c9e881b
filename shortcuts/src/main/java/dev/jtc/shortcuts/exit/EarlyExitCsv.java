package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.weights.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read it (" + e.getMessage() + ").", e);
        }
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(file + ": does not start with the header \"" + HEADER + "\".");
        }
        List<ExitPoint> points = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String where = file + " line " + (i + 1);
            String[] f = lines.get(i).split(",", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(where + ": expected 4 comma-separated fields (" + HEADER + "), found "
                        + f.length + ".");
            }
            Mapping mapping;
            try {
                mapping = Mapping.parse(f[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            double lambda = f[1].isEmpty() ? Double.NaN : number(f[1], "lambda", where);
            points.add(new ExitPoint(mapping, lambda, number(f[2], "mean_layers", where), number(f[3], "precision1", where)));
        }
        return points;
    }

    private static double number(String field, String column, String where) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + column + " \"" + field + "\" is not a number.", e);
        }
    }
}
