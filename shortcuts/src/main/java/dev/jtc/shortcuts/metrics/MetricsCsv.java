package dev.jtc.shortcuts.metrics;

import dev.jtc.weights.AtomicFile;

import java.nio.charset.StandardCharsets;
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
        List<MetricValue> values = new ArrayList<>();
        for (CsvRows.Row row : CsvRows.read(file, HEADER)) {
            String where = row.where();
            Metric metric = metric(row.field(2), where);
            int k = metric == Metric.PRECISION ? k(row.field(3), where) : 0;
            if (metric != Metric.PRECISION && !row.field(3).isEmpty()) {
                throw new IllegalArgumentException(where + ": " + metric.key() + " has no k, but the k field is \"" + row.field(3) + "\".");
            }
            values.add(new MetricValue(row.mapping(0), layer(row.field(1), where), metric, k, row.number(4, "value"),
                    row.number(5, "lo"), row.number(6, "hi")));
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
}
