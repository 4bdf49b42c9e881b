package dev.jtc.shortcuts.metrics;

import dev.jtc.shortcuts.mappings.Mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of one of the results' CSV tables ({@code metrics.csv}, {@code early_exit.csv}): a fixed header, plain
 * comma-separated fields (none of them can hold a comma), each row able to name itself in an error.
 */
public final class CsvRows {

    /** One data row: its fields, and "FILE line N" for messages. */
    public record Row(String where, String[] fields) {

        public String field(int i) {
            return fields[i];
        }

        public double number(int i, String column) {
            try {
                return Double.parseDouble(fields[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + column + " \"" + fields[i] + "\" is not a number.", e);
            }
        }

        public Mapping mapping(int i) {
            try {
                return Mapping.parse(fields[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
    }

    private CsvRows() {
    }

    /** The data rows of {@code file}, which must start with {@code header} and have its number of fields on every row. */
    public static List<Row> read(Path file, String header) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read it (" + e.getMessage() + ").", e);
        }
        if (lines.isEmpty() || !lines.getFirst().equals(header)) {
            throw new IllegalArgumentException(file + ": does not start with the header \"" + header + "\".");
        }
        int fields = header.split(",").length;
        List<Row> rows = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String where = file + " line " + (i + 1);
            String[] f = lines.get(i).split(",", -1);
            if (f.length != fields) {
                throw new IllegalArgumentException(where + ": expected " + fields + " comma-separated fields (" + header
                        + "), found " + f.length + ".");
            }
            rows.add(new Row(where, f));
        }
        return rows;
    }
}
