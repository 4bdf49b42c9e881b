package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.figures.ExitCurves;
import dev.jtc.shortcuts.figures.LayerCurves;
import dev.jtc.shortcuts.figures.SyntheticRun;
import dev.jtc.shortcuts.mappings.Mapping;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A realistic ReportContent: the synthetic run's results, its figures written into a directory, run records. */
final class SyntheticReport {

    private SyntheticReport() {
    }

    static ReportContent content(String modelId, String architecture, SyntheticRun run, Path figureDirectory)
            throws IOException {
        String title = modelId + " (L = " + run.layers() + ") on wikitext-103 validation";
        List<ReportContent.Figure> figures = new ArrayList<>();
        figures.add(new ReportContent.Figure("pre", "Precision@k by layer for id and mat, 95% bootstrap intervals.",
                LayerCurves.writePrecision(figureDirectory, run.metrics(), title)));
        figures.add(new ReportContent.Figure("surp", "Surprisal by layer in nats.",
                LayerCurves.writeSurprisal(figureDirectory, run.metrics(), title)));
        figures.add(new ReportContent.Figure("kl", "KL(p_full ‖ p_shortcut) by layer in nats.",
                LayerCurves.writeKl(figureDirectory, run.metrics(), title)));
        if (run.mappings().contains(Mapping.MAT_ATTN)) {
            List<Path> parts = LayerCurves.writeParts(figureDirectory, run.metrics(), title);
            String[] names = {"parts_pre1", "parts_pre5", "parts_pre10", "parts_surp"};
            for (int i = 0; i < names.length; i++) {
                figures.add(new ReportContent.Figure(names[i], "Sub-module shortcuts against mat.", parts.get(i)));
            }
        }
        figures.add(new ReportContent.Figure("ee_pre1", "Early exit against fixed exit, Precision@1.",
                ExitCurves.write(figureDirectory, run.sweep(), run.metrics(), run.headline(), title)));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", modelId);
        settings.put("corpus", "/data/wikitext-103/wiki.valid.tokens");
        settings.put("seed", "0");
        settings.put("train sentences", "9000");
        settings.put("validation sentences", "3000");
        settings.put("sampling", "one position per sentence, uniform");
        settings.put("intercept", Boolean.toString(run.mappings().contains(Mapping.AFFINE)));
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("model source", "Hugging Face cache, https://huggingface.co/" + modelId);
        provenance.put("corpus source", "wikitext-103-raw-v1, 3760 lines → 3000 sentences");
        provenance.put("jtc version", "0.1.0-SNAPSHOT");
        provenance.put("Java", "25 (Eclipse Adoptium)");
        provenance.put("OS / CPU", "Linux amd64, 2 cores");
        provenance.put("date", "2025-01-01T00:00:00Z");
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("corpus", 3.2);
        timings.put("collect", 412.0);
        timings.put("fit", 96.5);
        timings.put("metrics", 230.25);
        int pairs = run.layers() * (run.layers() + 1) / 2;
        ReportContent.R2Summary r2 = new ReportContent.R2Summary(0.83, 0.41, pairs, List.of());
        return new ReportContent(new ReportContent.Model(modelId, architecture, run.layers()), settings, provenance,
                timings, run.metrics(), run.sweep(), run.headline(), r2, figures);
    }
}
