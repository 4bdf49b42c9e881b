package dev.jtc.shortcuts.metrics;

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
 * {@code metrics.csv}: one line per {@link MetricValue}, {@code mapping,layer,metric,k,value,lo,hi}, with k empty for
 * the metrics that have none (surprisal, KL). Numbers are written by {@link Double#toString}, the shortest decimal
 * that reads back to the same double, independent of the locale.
 */
public final class MetricsCsv {

    static final String HEADER = "mapping,layer,metric,k,value,lo,hi";
    private static final int FIELDS = 7;

    private MetricsCsv() {
    }

    public static void write(Path file, List<MetricValue> values) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (MetricValue v : values) {
            csv.append(v.mapping().key()).append(',').append(v.layer()).append(',').append(v.metric().key()).append(',')
                    .append(v.metric() == Metric.PRECISION ? Integer.toString(v.k()) : "").append(',')
                    .append(v.value()).append(',').append(v.lo()).append(',').append(v.hi()).append('\n');
        }
        AtomicFile.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static List<MetricValue> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read it (" + e.getMessage() + ").", e);
        }
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(file + ": does not start with the header \"" + HEADER + "\".");
        }
        List<MetricValue> values = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String where = file + " line " + (i + 1);
            String[] f = lines.get(i).split(",", -1);
            if (f.length != FIELDS) {
                throw new IllegalArgumentException(where + ": expected " + FIELDS + " comma-separated fields (" + HEADER
                        + "), found " + f.length + ".");
            }
            Mapping mapping;
            try {
                mapping = Mapping.parse(f[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            Metric metric = metric(f[2], where);
            int k = metric == Metric.PRECISION ? k(f[3], where) : 0;
            if (metric != Metric.PRECISION && !f[3].isEmpty()) {
                throw new IllegalArgumentException(where + ": " + metric.key() + " has no k, but the k field is \"" + f[3] + "\".");
            }
            values.add(new MetricValue(mapping, layer(f[1], where), metric, k, number(f[4], "value", where),
                    number(f[5], "lo", where), number(f[6], "hi", where)));
        }
        return values;
    }

    private static Metric metric(String field, String where) {
        for (Metric m : Metric.values()) if (m.key().equals(field)) return m;
        throw new IllegalArgumentException(where + ": unknown metric \"" + field + "\"; expected precision, surprisal or kl.");
    }

    private static int k(String field, String where) {
        try {
            int k = Integer.parseInt(field);
            if (k >= 1 && k <= PrecisionAtK.MAX_K) return k;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(where + ": precision needs k, a whole number from 1 to " + PrecisionAtK.MAX_K
                + ", got \"" + field + "\".");
    }

    private static int layer(String field, String where) {
        try {
            int layer = Integer.parseInt(field);
            if (layer >= 0) return layer;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(where + ": layer must be a whole number from 0, got \"" + field + "\".");
    }

    private static double number(String field, String column, String where) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + column + " \"" + field + "\" is not a number.", e);
        }
    }
}
