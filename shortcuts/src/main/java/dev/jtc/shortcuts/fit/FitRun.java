package dev.jtc.shortcuts.fit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.linalg.Intercept;
import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.linalg.LeastSquaresSolution;
import dev.jtc.engine.linalg.RankReport;
import dev.jtc.engine.linalg.TsqrAccumulator;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.Samples;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitThreshold;
import dev.jtc.shortcuts.figures.R2Heatmap;
import dev.jtc.shortcuts.metrics.R2Score;
import dev.jtc.weights.AtomicFile;
import dev.jtc.weights.DType;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fit, stage by stage, in a run directory: collect the hidden states and solve every map
 * ({@code states/val.safetensors}, {@code maps.safetensors}), score them ({@code r2.csv}), draw the heatmap
 * ({@code r2_scores.png}, {@code r2_scores.svg}). Each stage is skipped when the report says it is done and its files exist, so
 * an interrupted run resumes where it stopped.
 */
public final class FitRun {

    private final RunDirectory directory;
    private final FitReport report;
    private final Model model;
    private final Samples samples;
    private final ShortcutPlan plan;
    private final LeastSquaresOptions options;
    private final Map<String, String> metadata;
    private final boolean keepTrainStates;
    private final Progress progress;
    private final StateCollector collector;

    /**
     * @param metadata  stored in {@code maps.safetensors} and the states files: the settings plus what they resolved
     *                  to (model, corpus, sample counts, tokenizer options, jtc version)
     * @param collector runs the forward passes: in this JVM on {@code model}, or elsewhere on the same model
     */
    FitRun(RunDirectory directory, FitReport report, Model model, Samples samples, LeastSquaresOptions options,
           Map<String, String> metadata, boolean keepTrainStates, Progress progress, StateCollector collector) {
        this.directory = directory;
        this.report = report;
        this.model = model;
        this.samples = samples;
        this.plan = ShortcutPlan.of(model.config());
        this.options = options;
        // Kept in insertion order: Map.copyOf's iteration order changes from JVM to JVM, and so would the files' bytes.
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.keepTrainStates = keepTrainStates;
        this.progress = progress;
        this.collector = collector;
    }

    /** Runs the stages that are not done yet. */
    void run() {
        directory.removeLeftovers();
        boolean collected = report.done("collect") && directory.has(RunDirectory.MAPS) && directory.has(RunDirectory.VALIDATION_STATES)
                && (!keepTrainStates || directory.has(RunDirectory.TRAIN_STATES));
        if (!collected) {
            report.forget("r2");
            collectAndSolve();
        } else {
            progress.note("collection and maps already done; skipping them");
        }
        if (!report.done("r2") || !directory.has(RunDirectory.R2_TABLE) || !directory.has(RunDirectory.R2_FIGURE + ".png")) {
            scoreAndDraw();
        } else {
            progress.note("r² and heatmap already done; skipping them");
        }
    }

    private void collectAndSolve() {
        int d = model.width();
        List<ShortcutPlan.Source> sources = plan.sources();
        long needed = 0;
        for (ShortcutPlan.Source s : sources) needed += TsqrAccumulator.bytesNeeded(d, s.maps().size(), d, options);
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap * 0.9) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the fit of %d maps needs about %.1f GiB for its "
                    + "least-squares accumulators but the JVM may use %.1f GiB; give it more with JTC_JAVA_OPTS=-Xmx%dg.",
                    plan.maps().size(), needed / 1073741824.0, heap / 1073741824.0, (long) Math.ceil(needed * 1.25 / 1073741824.0) + 1));
        }
        try (Arena arena = Arena.ofShared()) {
            CollectedStates collected = CollectedStates.allocate(plan, d, options, samples.validation().size(),
                    keepTrainStates ? samples.train().size() : 0, arena);
            long started = System.nanoTime();
            long tokens = collector.collect(samples, collected, progress);
            double collectSeconds = seconds(started);

            long solveStarted = System.nanoTime();
            List<SafetensorsWriter.Entry> maps = new ArrayList<>();
            ArrayNode sourceReports = RunDirectory.JSON.createArrayNode();
            progress.start("solve", sources.size(), "sources");
            for (int a = 0; a < sources.size(); a++) {
                ShortcutPlan.Source source = sources.get(a);
                LeastSquaresSolution solution = collected.solveAndRelease(a);
                ObjectNode r = sourceReports.addObject();
                r.put("source", source.point().stateName());
                describeRank(r, source, solution.rank());
                ArrayNode mapReports = r.putArray("maps");
                for (int t = 0; t < source.maps().size(); t++) {
                    ShortcutMap map = source.maps().get(t);
                    maps.add(matrix(map.name(), solution.map(t), new long[]{d, d}, arena));
                    if (options.intercept() == Intercept.FITTED) maps.add(matrix(map.biasName(), solution.bias(t), new long[]{d}, arena));
                    double rss = solution.residualSumOfSquares(t);
                    double total = collected.trainSumOfSquares(map.target());
                    mapReports.addObject().put("map", map.name()).put("residual_sum_of_squares", rss)
                            .put("relative_residual", total > 0 ? rss / total : 0.0);
                }
                progress.update(a + 1, 0);
            }
            progress.finish(sources.size(), 0);
            double solveSeconds = seconds(solveStarted);

            collected.validation().write(directory.file(RunDirectory.VALIDATION_STATES), metadata);
            if (collected.keptTrain() != null) collected.keptTrain().write(directory.file(RunDirectory.TRAIN_STATES), metadata);
            SafetensorsWriter.write(directory.file(RunDirectory.MAPS), metadata, maps);

            ObjectNode c = report.stage("collect");
            c.put("sentences", samples.train().size() + samples.validation().size());
            c.put("train", samples.train().size()).put("validation", samples.validation().size()).put("tokens", tokens);
            c.put("seconds", collectSeconds);
            c.put("sentences_per_second", (samples.train().size() + samples.validation().size()) / collectSeconds);
            c.put("tokens_per_second", tokens / collectSeconds);
            c.put("solve_seconds", solveSeconds);
            c.put("maps", maps.size());
            c.set("sources", sourceReports);
            report.save();
        }
    }

    private static void describeRank(ObjectNode r, ShortcutPlan.Source source, RankReport rank) {
        r.put("columns", rank.columns()).put("rank", rank.rank()).put("cutoff", rank.cutoff())
                .put("condition_estimate", rank.conditionEstimate()).put("minimum_norm_fallback", rank.minimumNorm());
        r.put("message", source.point().stateName() + ": " + rank.message());
    }

    private static SafetensorsWriter.Entry matrix(String name, float[] values, long[] shape, Arena arena) {
        MemorySegment seg = arena.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT, 0, values.length);
        return new SafetensorsWriter.Entry(name, DType.F32, shape, seg);
    }

    /** r² of every layer pair on the validation rows (mat and id), the table and the heatmap. */
    private void scoreAndDraw() {
        long started = System.nanoTime();
        int d = model.width();
        int layers = model.layers();
        Kernels kernels = model.kernels();
        double[][] mat = blank(layers + 1);
        double[][] id = blank(layers + 1);
        StringBuilder csv = new StringBuilder("source,target,mat,id\n");
        StringBuilder parts = new StringBuilder("block,point,mat,id\n");
        try (SafetensorsFile maps = SafetensorsFile.open(directory.file(RunDirectory.MAPS));
             SafetensorsFile states = SafetensorsFile.open(directory.file(RunDirectory.VALIDATION_STATES));
             Arena arena = Arena.ofShared()) {
            StateMatrices validation = StateMatrices.read(states, plan.states(), d);
            int n = validation.count();
            MemorySegment predicted = arena.allocate((long) n * d * Float.BYTES, 64);
            List<ShortcutMap> all = plan.maps();
            progress.start("r2", all.size(), "maps");
            int done = 0;
            for (ShortcutMap map : all) {
                MemorySegment x = validation.rows(map.source());
                MemorySegment y = validation.rows(map.target());
                PackedWeights a = kernels.pack(maps.raw(map.name()), d, d, Kernels.WeightLayout.OUT_IN);
                MemorySegment bias = options.intercept() == Intercept.FITTED ? maps.raw(map.biasName()) : null;
                kernels.matmul(x, 0, d, n, a, bias, predicted, 0, d);
                double rMat = R2Score.uniformAverage(y, predicted, n, d);
                double rId = R2Score.uniformAverage(y, x, n, d);
                if (map.isLayerPair()) {
                    int i = ((StatePoint.Layer) map.source()).index();
                    int j = ((StatePoint.Layer) map.target()).index();
                    mat[i][j] = rMat;
                    id[i][j] = rId;
                    csv.append(i).append(',').append(j).append(',').append(rMat).append(',').append(rId).append('\n');
                } else {
                    String[] name = map.name().split("\\.");
                    parts.append(name[1]).append(',').append(name[2]).append(',').append(rMat).append(',').append(rId).append('\n');
                }
                progress.update(++done, 0);
            }
            progress.finish(done, 0);
        }
        for (int l = 0; l <= layers; l++) {
            mat[l][l] = 1;
            id[l][l] = 1;
        }
        AtomicFile.write(directory.file(RunDirectory.R2_TABLE), csv.toString().getBytes(StandardCharsets.UTF_8));
        if (model.config().architecture() == ModelConfig.Architecture.GPT2) {
            AtomicFile.write(directory.file(RunDirectory.R2_PARTS_TABLE), parts.toString().getBytes(StandardCharsets.UTF_8));
        }
        try {
            R2Heatmap.write(directory.root(), RunDirectory.R2_FIGURE, mat, id, "r² of the linear shortcuts: "
                    + metadata.get("model") + ", " + metadata.get("corpus_name") + ", " + samples.validation().size() + " validation sentences");
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }

        ObjectNode r = report.stage("r2");
        r.put("seconds", seconds(started));
        summarise(r, mat, id, layers);
        report.save();
    }

    /** Means over the pairs, and every pair where the linear map explains less than the identity. */
    private static void summarise(ObjectNode r, double[][] mat, double[][] id, int layers) {
        double sumMat = 0;
        double sumId = 0;
        int pairs = 0;
        ArrayNode worse = r.putArray("pairs_where_mat_below_id");
        for (int i = 0; i < layers; i++) {
            for (int j = i + 1; j <= layers; j++) {
                sumMat += mat[i][j];
                sumId += id[i][j];
                pairs++;
                if (mat[i][j] < id[i][j]) worse.addObject().put("source", i).put("target", j).put("mat", mat[i][j]).put("id", id[i][j]);
            }
        }
        r.put("pairs", pairs).put("mean_mat", sumMat / pairs).put("mean_id", sumId / pairs);
    }

    private static double[][] blank(int n) {
        double[][] m = new double[n][n];
        for (double[] row : m) java.util.Arrays.fill(row, Double.NaN);
        return m;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Metadata shared by every file of the run. */
    static Map<String, String> metadata(Map<String, String> settings, Model model, Samples samples, String corpusName,
                                        String tokenizerOptions, String version) {
        Map<String, String> m = new LinkedHashMap<>(settings);
        m.put("corpus_name", corpusName);
        m.put("architecture", model.config().architecture().name().toLowerCase(Locale.ROOT));
        m.put("layers", Integer.toString(model.layers()));
        m.put("hidden", Integer.toString(model.width()));
        m.put("n_train", Integer.toString(samples.train().size()));
        m.put("n_val", Integer.toString(samples.validation().size()));
        m.put("tokenizer_options", tokenizerOptions);
        m.put("jtc_version", version);
        if (!samples.validation().isEmpty()) {
            // N of the early-exit threshold, for a true exit that has only the maps: the mean the results'
            // simulation takes from the predictions.
            int[] positions = samples.validation().stream().mapToInt(Sample::position).toArray();
            m.put(ExitMaps.MEAN_LENGTH, Double.toString(ExitThreshold.meanLength(positions)));
        }
        return m;
    }
}
