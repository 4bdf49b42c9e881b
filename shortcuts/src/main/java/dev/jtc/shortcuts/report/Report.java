package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.exit.Headline;
import dev.jtc.shortcuts.exit.RetentionRow;
import dev.jtc.shortcuts.figures.MetricCurves;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.weights.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code report.html}: one self-contained page about a run. Figures are embedded as data: URIs and the style
 * is inline, with no script, font or link to anything outside the file, so the page opens from file:// in
 * any browser, offline, and can be mailed or archived as it is. Every string that came from the user (model
 * ids, corpus paths, settings) is escaped.
 */
public final class Report {

    /** The paper's early-exit headline (docs/method.md §8): retention target and mat's saving over id in % of L. */
    static final double PAPER_RETENTION = 0.95;
    private static final Map<String, Double> PAPER_SAVING = Map.of("gpt2", 7.9, "bert", 5.4);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /**
     * jtc renders every PNG figure at twice its logical size (FigureFiles.PNG_SCALE) so it stays sharp on
     * high-density screens; showing it at half its pixel width gives the size it was designed for.
     */
    private static final int FIGURE_PIXELS_PER_CSS_PIXEL = 2;

    private static final String STYLE = """
            body { margin: 0; color: #1b1b1b; background: #fff; line-height: 1.45;
                   font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
            h1 { font-size: 1.6rem; margin: 0.3rem 0; }
            h2 { font-size: 1.25rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 1px solid #d8d8d8; }
            p.lede { color: #444; margin-top: 0; }
            nav a { margin-right: 1rem; color: #1f5fa8; }
            table { border-collapse: collapse; margin: 0.4rem 0 1rem; font-variant-numeric: tabular-nums; }
            th, td { padding: 0.25rem 0.75rem; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
            thead th { border-bottom: 2px solid #b8b8b8; }
            tbody th { font-weight: 600; }
            td.num { text-align: right; white-space: nowrap; }
            tr.miss td { background: #fff3e0; }
            .yes { color: #1a7f37; font-weight: 600; }
            .no { color: #c62828; font-weight: 600; }
            .not-checked { color: #666; }
            .note { color: #555; font-size: 0.92rem; max-width: 60rem; }
            figure { margin: 1.2rem 0 2.2rem; }
            figure img { display: block; max-width: 100%; height: auto; }
            figcaption { color: #444; margin-top: 0.4rem; max-width: 60rem; }
            """;

    private Report() {
    }

    /**
     * Writes {@code runDirectory/report.html} atomically and returns it. The figures' PNG files are read now
     * and copied into the page; a figure file that is missing or not a PNG is an IllegalArgumentException
     * naming it.
     */
    public static Path write(Path runDirectory, ReportContent content) throws IOException {
        if (runDirectory == null || !Files.isDirectory(runDirectory)) {
            throw new IllegalArgumentException("report: the run directory " + runDirectory + " does not exist.");
        }
        if (content == null) throw new IllegalArgumentException("report: the content must not be null.");
        String page = page(content);
        Path file = runDirectory.resolve("report.html");
        try {
            AtomicFile.write(file, page.getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            throw new IOException(file + ": cannot write the report (" + e.getCause().getMessage() + ").", e.getCause());
        }
        return file;
    }

    static String page(ReportContent content) throws IOException {
        ReportContent.Model model = content.model();
        MetricCurves curves = MetricCurves.of(content.metrics());
        StringBuilder html = new StringBuilder(1 << 16);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>jtc report: ").append(Html.escape(model.id())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>Jump to conclusions: ").append(Html.escape(model.id())).append("</h1>\n")
                .append("<p class=\"lede\">").append(model.architecture().equals("gpt2") ? "GPT-2" : "BERT")
                .append(" architecture, L = ").append(model.blocks()).append(" blocks (layers 0..")
                .append(model.blocks()).append("). Linear shortcuts from each layer to the last, checked against the ")
                .append("paper (Yom Din et al. 2023).</p>\n")
                .append("<nav><a href=\"#headline\">Headline</a><a href=\"#claims\">Claims</a>")
                .append("<a href=\"#precision\">Precision@1</a><a href=\"#figures\">Figures</a>")
                .append("<a href=\"#settings\">Settings</a><a href=\"#provenance\">Provenance</a>")
                .append("<a href=\"#timings\">Timings</a></nav>\n");
        headline(html, model, content.headline());
        claims(html, PaperClaims.check(content));
        precisionTable(html, curves);
        figures(html, content.figures());
        keyValues(html, "settings", "Run settings", content.settings());
        keyValues(html, "provenance", "Provenance", content.provenance());
        timings(html, content.timings());
        html.append("</main>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void headline(StringBuilder html, ReportContent.Model model, Headline headline) {
        RetentionRow id = headline.of(Mapping.ID), mat = headline.of(Mapping.MAT);
        double paper = PAPER_SAVING.get(model.architecture());
        String paperName = model.architecture().equals("gpt2") ? "GPT-2" : "BERT";
        html.append("<section id=\"headline\">\n<h2>Headline: early exit at ")
                .append(percent(headline.retention())).append(" retention</h2>\n")
                .append("<p>Mean layers each mapping needs to keep ").append(percent(headline.retention()))
                .append(" of the full model's Precision@1, out of L = ").append(model.blocks())
                .append(", and what mat saves over id in % of the model's layers.</p>\n")
                .append("<table>\n<thead><tr><th></th><th>id</th><th>mat</th><th>saving of mat over id</th>")
                .append("<th>the paper (").append(paperName).append(", ").append(percent(PAPER_RETENTION))
                .append(")</th></tr></thead>\n<tbody>\n")
                .append("<tr><th>early exit (mean layers)</th>").append(layersCell(id, RetentionRow::earlyExitLayers))
                .append(layersCell(mat, RetentionRow::earlyExitLayers)).append("<td class=\"num\">")
                .append(Html.signedPercent(headline.savingPercentOfLayers())).append("</td><td class=\"num\">")
                .append(Html.signedPercent(paper)).append("</td></tr>\n")
                .append("<tr><th>fixed exit (layers)</th>").append(layersCell(id, RetentionRow::fixedExitLayers))
                .append(layersCell(mat, RetentionRow::fixedExitLayers)).append("<td class=\"num\">")
                .append(Html.signedPercent(fixedSaving(id, mat, model.blocks()))).append("</td><td></td></tr>\n")
                .append("</tbody>\n</table>\n<p class=\"note\">The paper reports ")
                .append(Html.signedPercent(PAPER_SAVING.get("gpt2"))).append(" for GPT-2 and ")
                .append(Html.signedPercent(PAPER_SAVING.get("bert"))).append(" for BERT, both at ")
                .append(percent(PAPER_RETENTION)).append(" retention. A dash: the target is never reached, or the ")
                .append("run has no sweep for that mapping.");
        if (headline.retention() != PAPER_RETENTION) {
            html.append(" This run's target is ").append(percent(headline.retention()))
                    .append(", not the paper's, so the savings do not compare directly.");
        }
        html.append("</p>\n</section>\n");
    }

    private static String layersCell(RetentionRow row, ToDoubleFunction<RetentionRow> layers) {
        return "<td class=\"num\">" + Html.number(row == null ? Double.NaN : layers.applyAsDouble(row), 2) + "</td>";
    }

    /** The headline's saving computed for fixed exit, for comparison: {@code 100·(ℓ_id − ℓ_mat)/L}. */
    private static double fixedSaving(RetentionRow id, RetentionRow mat, int blocks) {
        if (id == null || mat == null) return Double.NaN;
        return 100 * (id.fixedExitLayers() - mat.fixedExitLayers()) / blocks;
    }

    private static void claims(StringBuilder html, List<PaperClaims.Claim> claims) {
        html.append("<section id=\"claims\">\n<h2>The paper's claims, checked</h2>\n<table>\n")
                .append("<thead><tr><th>claim</th><th>holds?</th><th>details</th></tr></thead>\n<tbody>\n");
        for (PaperClaims.Claim c : claims) {
            String verdict = switch (c.verdict()) {
                case YES -> "<td class=\"yes\">yes</td>";
                case NO -> "<td class=\"no\">no</td>";
                case NOT_CHECKED -> "<td class=\"not-checked\">not checked</td>";
            };
            html.append("<tr><td>").append(Html.escape(c.statement())).append("</td>").append(verdict)
                    .append("<td>").append(Html.escape(c.detail())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    /** Precision@1 of id, mat and (when fitted) affine by layer; rows where mat is not above id are marked. */
    private static void precisionTable(StringBuilder html, MetricCurves curves) {
        List<Mapping> shown = Stream.of(Mapping.ID, Mapping.MAT, Mapping.AFFINE)
                .filter(m -> curves.has(m, Metric.PRECISION, 1)).toList();
        html.append("<section id=\"precision\">\n<h2>Precision@1 by layer</h2>\n")
                .append("<p>Each value with its 95% bootstrap interval. Marked rows: mat is not above id.</p>\n")
                .append("<table>\n<thead><tr><th>layer ℓ</th>");
        for (Mapping m : shown) html.append("<th>").append(m.key()).append("</th>");
        boolean both = shown.contains(Mapping.ID) && shown.contains(Mapping.MAT);
        if (both) html.append("<th>mat − id</th>");
        html.append("</tr></thead>\n<tbody>\n");
        for (int layer = 0; layer <= curves.layers(); layer++) {
            double difference = Double.NaN;
            if (both) {
                difference = curves.curve(Mapping.MAT, Metric.PRECISION, 1, "the report").value(layer)
                        - curves.curve(Mapping.ID, Metric.PRECISION, 1, "the report").value(layer);
            }
            html.append(layer < curves.layers() && !(difference > 0) && both ? "<tr class=\"miss\">" : "<tr>")
                    .append("<td class=\"num\">").append(layer).append("</td>");
            for (Mapping m : shown) {
                MetricCurves.Curve c = curves.curve(m, Metric.PRECISION, 1, "the report");
                html.append("<td class=\"num\">").append(Html.number(c.value(layer), 3)).append(" [")
                        .append(Html.number(c.lo(layer), 3)).append(", ").append(Html.number(c.hi(layer), 3))
                        .append("]</td>");
            }
            if (both) html.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%+.3f", difference)).append("</td>");
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void figures(StringBuilder html, List<ReportContent.Figure> figures) throws IOException {
        html.append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        if (figures.isEmpty()) html.append("<p>This run has no figures.</p>\n");
        for (ReportContent.Figure f : figures) {
            byte[] png = png(f);
            // A PNG's IHDR chunk, right after the signature, starts with the width and height (big-endian).
            ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
            int width = header.getInt() / FIGURE_PIXELS_PER_CSS_PIXEL;
            int height = header.getInt() / FIGURE_PIXELS_PER_CSS_PIXEL;
            html.append("<figure>\n<img src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\" width=\"").append(width)
                    .append("\" height=\"").append(height).append("\" alt=\"").append(Html.escape(f.name()))
                    .append("\">\n<figcaption><b>").append(Html.escape(f.name())).append("</b>: ")
                    .append(Html.escape(f.caption())).append("</figcaption>\n</figure>\n");
        }
        html.append("</section>\n");
    }

    private static byte[] png(ReportContent.Figure f) throws IOException {
        if (!Files.isRegularFile(f.png())) {
            throw new IllegalArgumentException("report: figure " + f.name() + ": " + f.png() + " does not exist.");
        }
        byte[] png = Files.readAllBytes(f.png());
        if (png.length < 24 || !Arrays.equals(png, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
            throw new IllegalArgumentException("report: figure " + f.name() + ": " + f.png() + " is not a PNG file.");
        }
        return png;
    }

    private static void keyValues(StringBuilder html, String id, String title, Map<String, String> entries) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(title).append("</h2>\n");
        if (entries.isEmpty()) {
            html.append("<p>None recorded.</p>\n</section>\n");
            return;
        }
        html.append("<table>\n<tbody>\n");
        for (Map.Entry<String, String> e : entries.entrySet()) {
            html.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>")
                    .append(Html.escape(e.getValue())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void timings(StringBuilder html, Map<String, Double> timings) {
        html.append("<section id=\"timings\">\n<h2>Timings</h2>\n");
        if (timings.isEmpty()) {
            html.append("<p>None recorded.</p>\n</section>\n");
            return;
        }
        double total = timings.values().stream().mapToDouble(Double::doubleValue).sum();
        html.append("<table>\n<thead><tr><th>stage</th><th>seconds</th><th>share</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Double> e : timings.entrySet()) {
            html.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td class=\"num\">")
                    .append(Html.number(e.getValue(), 1)).append("</td><td class=\"num\">")
                    .append(total > 0 ? Html.number(100 * e.getValue() / total, 1) + "%" : "—").append("</td></tr>\n");
        }
        html.append("<tr><th>total</th><td class=\"num\">").append(Html.number(total, 1))
                .append("</td><td></td></tr>\n</tbody>\n</table>\n</section>\n");
    }

    /** 0.95 → "95%", 0.975 → "97.5%": the target as people write it. */
    private static String percent(double fraction) {
        return BigDecimal.valueOf(100 * fraction).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + "%";
    }
}
