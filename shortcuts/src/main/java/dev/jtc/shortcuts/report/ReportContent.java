package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.exit.ExitPoint;
import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.figures.MetricCurves;
import dev.jtc.shortcuts.metrics.MetricValue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code report.html} shows about one run, gathered by the stage that computes the results. The
 * maps keep the order they were recorded in, and the page shows them in that order.
 *
 * @param settings   the run's settings as recorded (model, corpus, seed, sizes, sampling, intercept, ...)
 * @param provenance where the inputs came from and what ran them (model source, corpus counts, versions, date)
 * @param timings    seconds per stage, in the order the stages ran
 * @param metrics    Precision@k, surprisal and KL by mapping and layer, over layers 0..L of {@code model}
 * @param sweep      the early-exit points of every mapping swept; empty when the run has no sweep
 * @param figures    the figures to embed, in the order they appear
 */
public record ReportContent(Model model, Map<String, String> settings, Map<String, String> provenance,
        Map<String, Double> timings, List<MetricValue> metrics, List<ExitPoint> sweep, Headline headline,
        R2Summary r2, List<Figure> figures) {

    /**
     * @param id           the model as the user named it ("gpt2", "bert-base-uncased", a directory)
     * @param architecture "gpt2" or "bert": which of the paper's claims apply
     * @param blocks       L, the number of transformer blocks
     */
    public record Model(String id, String architecture, int blocks) {
        public Model {
            if (id == null || id.isBlank()) throw new IllegalArgumentException("report: the model id must not be blank.");
            if (!"gpt2".equals(architecture) && !"bert".equals(architecture)) {
                throw new IllegalArgumentException("report: the architecture must be \"gpt2\" or \"bert\", got \""
                        + architecture + "\".");
            }
            if (blocks < 1) {
                throw new IllegalArgumentException("report: the model must have at least one block, got " + blocks + ".");
            }
        }
    }

    /**
     * The r² of the paper's heatmap, summarised: means over all layer pairs ℓ < ℓ′ and the pairs where the
     * linear map predicts worse than the state itself (the paper says there are none).
     */
    public record R2Summary(double meanMat, double meanId, int pairs, List<LayerPair> matBelowId) {
        public R2Summary {
            if (!Double.isFinite(meanMat) || !Double.isFinite(meanId)) {
                throw new IllegalArgumentException("report: the mean r² of mat and id must be finite, got " + meanMat
                        + " and " + meanId + ".");
            }
            matBelowId = List.copyOf(matBelowId);
            if (pairs < 1 || matBelowId.size() > pairs) {
                throw new IllegalArgumentException("report: the r² summary covers " + pairs + " layer pairs but lists "
                        + matBelowId.size() + " where mat is below id.");
            }
        }
    }

    /** A map from layer ℓ to layer ℓ′ > ℓ. */
    public record LayerPair(int source, int target) {
    }

    /** A PNG figure to embed, with the caption shown under it. */
    public record Figure(String name, String caption, Path png) {
        public Figure {
            if (name == null || caption == null || png == null) {
                throw new IllegalArgumentException("report: a figure needs a name, a caption and a PNG file, got "
                        + name + ", " + caption + ", " + png + ".");
            }
        }
    }

    public ReportContent {
        if (model == null || settings == null || provenance == null || timings == null || metrics == null
                || sweep == null || headline == null || r2 == null || figures == null) {
            throw new IllegalArgumentException("report: every part of the content must be given (use empty maps or "
                    + "lists for parts a run does not have); one is null.");
        }
        settings = ordered("settings", settings);
        provenance = ordered("provenance", provenance);
        timings = ordered("timings", timings);
        for (Map.Entry<String, Double> t : timings.entrySet()) {
            if (!(t.getValue() >= 0) || Double.isInfinite(t.getValue())) {
                throw new IllegalArgumentException("report: stage \"" + t.getKey() + "\" took " + t.getValue()
                        + " s; a timing must be a finite number of seconds ≥ 0.");
            }
        }
        metrics = List.copyOf(metrics);
        sweep = List.copyOf(sweep);
        figures = List.copyOf(figures);
        int layers = MetricCurves.of(metrics).layers();
        if (layers != model.blocks() || headline.blocks() != model.blocks()) {
            throw new IllegalArgumentException("report: " + model.id() + " has L = " + model.blocks() + " blocks, but "
                    + "the metric values run over layers 0.." + layers + " and the headline is for L = "
                    + headline.blocks() + ".");
        }
    }

    /** An unmodifiable copy in the caller's order; a null key or value is refused, naming {@code part}. */
    private static <V> Map<String, V> ordered(String part, Map<String, V> map) {
        for (Map.Entry<String, V> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("report: the " + part + " entry \"" + e.getKey() + "\" has no "
                        + "value; every entry needs a key and a value.");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
