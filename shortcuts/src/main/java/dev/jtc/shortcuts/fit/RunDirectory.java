package dev.jtc.shortcuts.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jtc.weights.AtomicFile;
import dev.jtc.weights.StagedDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The directory a fit writes: its files, and the settings it was made with ({@code settings.json}). A run
 * resumes in a directory made with the same settings and refuses one made with others. Forced, it starts again:
 * the earlier run's files are removed first (nothing else in the directory is touched).
 */
public final class RunDirectory {

    public static final String SETTINGS = "settings.json";
    public static final String SAMPLES = "samples.tsv";
    public static final String MAPS = "maps.safetensors";
    public static final String VALIDATION_STATES = "states/val.safetensors";
    public static final String TRAIN_STATES = "states/train.safetensors";
    public static final String R2_TABLE = "r2.csv";
    public static final String R2_PARTS_TABLE = "r2_parts.csv";
    public static final String R2_FIGURE = "r2_scores";
    public static final String REPORT = "fit.json";
    /** What {@code jtc run} adds: the decoded predictions, the tables, the headline and the report. */
    public static final String PREDICTIONS = "predictions.safetensors";
    public static final String METRICS = "metrics.csv";
    public static final String EARLY_EXIT = "early_exit.csv";
    public static final String SUMMARY = "summary.json";
    public static final String REPORT_HTML = "report.html";
    private static final List<String> FIGURES = List.of(R2_FIGURE, "pre", "surp", "kl", "parts_pre1", "parts_pre5", "parts_pre10",
            "parts_surp", "ee_pre1");

    /** Every file a run may write, for --force to remove. */
    private static final List<String> OWNED = owned();

    private static List<String> owned() {
        List<String> files = new java.util.ArrayList<>(List.of(SAMPLES, MAPS, VALIDATION_STATES, TRAIN_STATES, R2_TABLE,
                R2_PARTS_TABLE, REPORT, SETTINGS, PREDICTIONS, METRICS, EARLY_EXIT, SUMMARY, REPORT_HTML));
        for (String figure : FIGURES) for (String format : List.of(".png", ".svg", ".pdf")) files.add(figure + format);
        return List.copyOf(files);
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * Opens (creating if needed) the run directory for {@code settings}. A directory holding another run's
     * settings is refused with one sentence naming the first difference; {@code force} clears the run's files first.
     */
    static RunDirectory open(Path root, Map<String, String> settings, boolean force) {
        try {
            Files.createDirectories(root.resolve("states"));
            Path file = root.resolve(SETTINGS);
            if (Files.exists(file)) {
                Map<String, String> earlier = readSettings(file);
                if (!earlier.equals(settings) && !force) {
                    throw new IllegalArgumentException("--out " + root + " holds a run made with other settings ("
                            + firstDifference(earlier, settings) + "); choose another --out, or add --force to start it again.");
                }
            }
            if (force) for (String name : OWNED) Files.deleteIfExists(root.resolve(name));
            AtomicFile.write(file, JSON.writeValueAsBytes(settings));
            return new RunDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot use it as a run directory (" + e.getMessage() + ").", e);
        }
    }

    Path root() {
        return root;
    }

    Path file(String name) {
        return root.resolve(name);
    }

    boolean has(String name) {
        return Files.isRegularFile(root.resolve(name));
    }

    /** Removes the temporary files an interrupted write may have left, so they are never mistaken for output. */
    void removeLeftovers() {
        for (Path dir : List.of(root, root.resolve("states"))) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String n = p.getFileName().toString();
                    if (n.startsWith(".") && (n.endsWith(".tmp") || n.contains(".tmp-"))) {
                        if (Files.isDirectory(p)) StagedDirectory.deleteTree(p);
                        else Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(dir + ": cannot clear temporary files (" + e.getMessage() + ").", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> readSettings(Path file) throws IOException {
        try {
            return JSON.readValue(file.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a jtc settings file (" + e.getMessage()
                    + "); remove it or add --force.", e);
        }
    }

    private static String firstDifference(Map<String, String> earlier, Map<String, String> now) {
        for (var e : now.entrySet()) {
            String before = earlier.get(e.getKey());
            if (!Objects.equals(before, e.getValue())) {
                return e.getKey() + " " + (before == null ? "unset" : before) + ", now " + e.getValue();
            }
        }
        return "different keys";
    }
}
