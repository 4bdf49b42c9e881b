package dev.jtc.shortcuts.fit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.engine.linalg.DataPrecision;
import dev.jtc.engine.linalg.Intercept;
import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.Corpus;
import dev.jtc.shortcuts.corpus.Sampler;
import dev.jtc.shortcuts.corpus.Samples;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.corpus.SplitSizes;
import dev.jtc.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jtc fit} as a library call: sample the corpus, collect and solve, score and draw, in a run directory
 * that a later call resumes.
 */
public final class Fit {

    /** jtc's version, recorded in every file a run writes. */
    public static final String VERSION = "0.1.0";

    /** How a run treats its directory: {@code force} starts it again; {@code keepTrainStates} also writes every training row. */
    public record RunOptions(boolean keepTrainStates, boolean force, boolean showProgress) {
    }

    /** The run directory, its report ({@code fit.json}) and a few lines for a person. */
    public record Summary(Path directory, ObjectNode report, String text) {
    }

    /**
     * What a fit reads: its settings, the corpus they name (opened by {@link #openCorpus}, or a local copy of it),
     * the model, and the model's tokenizer loaded with the settings' tokenizer options.
     */
    public record Inputs(FitSettings settings, Corpus corpus, Model model, Tokenizer tokenizer) {
    }

    private Fit() {
    }

    /**
     * Fits every shortcut of {@code model} as {@code settings} say, into {@code out} (null: {@code runs/MODEL-CORPUS-SEED}).
     * {@code tokenizer} must be the model's, loaded with the settings' tokenizer options.
     */
    public static Summary run(FitSettings settings, Model model, Tokenizer tokenizer, Path out, RunOptions run) {
        return run(settings, model, tokenizer, out, run, run.showProgress() ? Progress.stderr("jtc fit") : Progress.silent());
    }

    /** As {@link #run(FitSettings, Model, Tokenizer, Path, RunOptions)}, reporting on {@code progress} (a longer pipeline's). */
    public static Summary run(FitSettings settings, Model model, Tokenizer tokenizer, Path out, RunOptions run, Progress progress) {
        return run(new Inputs(settings, openCorpus(settings, progress), model, tokenizer), out, run, progress,
                StateCollector.local(model));
    }

    /**
     * The fit with its forward passes run by {@code collector} (a distributed fit's): the same sampling, solve and
     * files as {@code jtc fit}, so the two agree on the same inputs up to the rounding of the merged accumulators.
     */
    public static Summary run(Inputs inputs, Path out, RunOptions run, Progress progress, StateCollector collector) {
        FitSettings settings = inputs.settings();
        Model model = inputs.model();
        Tokenizer tokenizer = inputs.tokenizer();
        Corpus corpus = inputs.corpus();
        Path directory = out != null ? out : Path.of("runs", safeName(settings.model()) + "-" + corpus.name() + "-" + settings.seed());
        Map<String, String> identity = settings.asStrings();
        RunDirectory dir = RunDirectory.open(directory, identity, run.force());

        FitReport report = FitReport.open(dir.file(RunDirectory.REPORT));
        long started = System.nanoTime();
        SplitSizes sizes = SplitSizes.resolve(settings.sampling().available(corpus), settings.train(), settings.validation());
        Samples samples = Sampler.draw(corpus, settings.sampling(), tokenizer, model.config().architecture(),
                model.maxPositions(), sizes, settings.seed());
        if (!dir.has(RunDirectory.SAMPLES)) SamplesFile.write(dir.file(RunDirectory.SAMPLES), samples);
        double sampleSeconds = (System.nanoTime() - started) / 1e9;
        progress.note(String.format(Locale.ROOT, "%s: %,d training and %,d validation sentences (%s sampling, seed %d)",
                corpus.name(), samples.train().size(), samples.validation().size(),
                settings.sampling().name().toLowerCase(Locale.ROOT), settings.seed()));

        String tokenizerOptions = settings.periodAsPad() ? "period_as_pad" : "standard";
        Map<String, String> metadata = FitRun.metadata(identity, model, samples, corpus.name(), tokenizerOptions, VERSION);
        LeastSquaresOptions options = new LeastSquaresOptions(settings.intercept() ? Intercept.FITTED : Intercept.NONE,
                settings.ridge(), DataPrecision.FLOAT32);
        report.root().put("jtc_version", VERSION);
        report.root().set("settings", RunDirectory.JSON.valueToTree(metadata));
        report.stage("sample").put("seconds", sampleSeconds).put("train", samples.train().size())
                .put("validation", samples.validation().size());
        report.save();
        new FitRun(dir, report, model, samples, options, metadata, run.keepTrainStates(), progress, collector).run();
        return new Summary(directory, report.root(), describe(directory, report.root()));
    }

    /** The corpus {@code settings} name: {@code europarl:LANG}, or a local file of documents or of sentences. */
    public static Corpus openCorpus(FitSettings settings, Progress progress) {
        String spec = settings.corpus();
        if (spec.startsWith("europarl:")) return Corpus.europarl(spec.substring("europarl:".length()), progress.stream());
        Path file = Path.of(spec);
        return settings.oneSentencePerLine() ? Corpus.sentences(file) : Corpus.documents(file);
    }

    /** A model id or path as one directory-name component: {@code org/name} → {@code org_name}, a path → its last part. */
    static String safeName(String model) {
        Path p = Path.of(model);
        String name = p.getFileName() != null && java.nio.file.Files.isDirectory(p) ? p.getFileName().toString() : model;
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String describe(Path directory, ObjectNode report) {
        JsonNode collect = report.path("stages").path("collect");
        JsonNode r2 = report.path("stages").path("r2");
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "fit of %s: %,d training and %,d validation sentences%n",
                report.path("settings").path("model").asText(), collect.path("train").asInt(), collect.path("validation").asInt()));
        s.append(String.format(Locale.ROOT, "  collection %.1f s (%.1f sentences/s, %,.0f tokens/s), solve %.1f s, r² %.1f s%n",
                collect.path("seconds").asDouble(), collect.path("sentences_per_second").asDouble(),
                collect.path("tokens_per_second").asDouble(), collect.path("solve_seconds").asDouble(), r2.path("seconds").asDouble()));
        int deficient = 0;
        for (JsonNode source : collect.path("sources")) {
            if (source.path("minimum_norm_fallback").asBoolean()) {
                deficient++;
                s.append("  ").append(source.path("message").asText()).append(System.lineSeparator());
            }
        }
        s.append(String.format(Locale.ROOT, "  %d maps from %d sources (%d rank-deficient)%n", collect.path("maps").asInt(),
                collect.path("sources").size(), deficient));
        s.append(String.format(Locale.ROOT, "  r² on validation, mean over %d layer pairs: mat %.3f, id %.3f; mat below id for %d pairs%n",
                r2.path("pairs").asInt(), r2.path("mean_mat").asDouble(), r2.path("mean_id").asDouble(),
                r2.path("pairs_where_mat_below_id").size()));
        s.append("  wrote ").append(directory).append(" (maps.safetensors, r2.csv, r2_scores.png, r2_scores.svg, fit.json)");
        return s.toString();
    }
}
