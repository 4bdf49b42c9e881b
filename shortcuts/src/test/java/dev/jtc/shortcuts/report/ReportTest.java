package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.figures.SyntheticRun;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;
import dev.jtc.shortcuts.metrics.MetricValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static final Pattern RESOURCE = Pattern.compile("\\b(src|href)\\s*=\\s*\"([^\"]*)\"");

    @Test
    void writesOneSelfContainedPageWithEveryFigureEmbedded(@TempDir Path run) throws IOException {
        ReportContent content = SyntheticReport.content("gpt2", "gpt2", SyntheticRun.gpt2Like(12), run);
        Path report = Report.write(run, content);
        assertEquals(run.resolve("report.html"), report);
        assertTrue(names(run).stream().noneMatch(n -> n.startsWith(".")), "a temporary file was left: " + names(run));

        String html = Files.readString(report);
        Matcher m = RESOURCE.matcher(html);
        int images = 0;
        while (m.find()) {
            String target = m.group(2);
            assertTrue(target.startsWith("data:") || target.startsWith("#"),
                    "the page refers to something outside itself: " + m.group());
            if (target.startsWith("data:image/png;base64,")) images++;
        }
        assertEquals(content.figures().size(), images, "one embedded PNG per figure");
        for (ReportContent.Figure f : content.figures()) {
            String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(f.png()));
            assertTrue(html.contains("src=\"data:image/png;base64," + encoded + "\""), f.name() + " is not embedded whole");
        }
        for (String external : List.of("<script", "<link rel=\"stylesheet\"", "@import", "url(", "@font-face")) {
            assertFalse(html.contains(external), "the page must not load anything: found " + external);
        }
        for (String section : List.of("headline", "claims", "precision", "figures", "settings", "provenance", "timings")) {
            assertTrue(html.contains("<section id=\"" + section + "\">"), "no " + section + " section");
        }
    }

    @Test
    void escapesEveryStringFromTheUser(@TempDir Path run) throws IOException {
        String hostile = "<b>&\"x\"";
        ReportContent base = SyntheticReport.content("gpt2", "gpt2", SyntheticRun.bertLike(4), run);
        Map<String, String> settings = new LinkedHashMap<>(base.settings());
        settings.put("corpus", "/data/<script>alert('x')</script>.txt");
        List<ReportContent.Figure> figures = List.of(new ReportContent.Figure("pre <i>", "a & b", base.figures().getFirst().png()));
        ReportContent content = new ReportContent(new ReportContent.Model(hostile, "gpt2", 4), settings,
                Map.of(hostile, hostile), Map.of(hostile, 1.0), base.metrics(), base.sweep(), base.headline(),
                base.r2(), figures);
        String html = Files.readString(Report.write(run, content));
        assertFalse(html.contains(hostile), "the model id went into the page unescaped");
        assertTrue(html.contains("&lt;b&gt;&amp;&quot;x&quot;"), "the model id should appear escaped");
        assertFalse(html.contains("<script>"), "the corpus path went into the page unescaped");
        assertTrue(html.contains("/data/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;.txt"));
        assertTrue(html.contains("<b>pre &lt;i&gt;</b>: a &amp; b"), "figure names and captions are escaped");
    }

    /** Ours beside the paper's: the saving from the synthetic run's closed forms, +7.9% for GPT-2, +5.4% for BERT. */
    @Test
    void theHeadlineShowsOurSavingBesideThePapers(@TempDir Path run) throws IOException {
        int layers = 12;
        double id = layers * (1 - Math.pow(0.05, 1 / 2.2)), mat = layers * (1 - Math.pow(0.05, 1 / 3.0));
        String ours = String.format(Locale.ROOT, "%+.1f%%", 100 * (id - mat) / layers);
        String gpt2 = Files.readString(Report.write(run,
                SyntheticReport.content("gpt2", "gpt2", SyntheticRun.gpt2Like(layers), run)));
        String headline = gpt2.substring(gpt2.indexOf("<section id=\"headline\">"), gpt2.indexOf("<section id=\"claims\">"));
        assertTrue(headline.contains(String.format(Locale.ROOT, ">%.2f</td>", id)), headline);
        assertTrue(headline.contains(String.format(Locale.ROOT, ">%.2f</td>", mat)), headline);
        assertTrue(headline.contains(">" + ours + "</td>"), "our saving " + ours + " is missing: " + headline);
        assertTrue(headline.contains(">+7.9%</td>") && headline.contains("the paper (GPT-2, 95%)"), headline);
        String bert = Files.readString(Report.write(run,
                SyntheticReport.content("bert-base-uncased", "bert", SyntheticRun.bertLike(layers), run)));
        assertTrue(bert.contains(">+5.4%</td>") && bert.contains("the paper (BERT, 95%)"), "BERT's paper number");
    }

    @Test
    void theClaimsHoldForARunShapedLikeThePapers(@TempDir Path run) throws IOException {
        List<PaperClaims.Claim> claims = PaperClaims.check(SyntheticReport.content("gpt2", "gpt2",
                SyntheticRun.gpt2Like(12), run));
        assertEquals(5, claims.size(), claims.toString());
        for (PaperClaims.Claim c : claims) assertEquals(PaperClaims.Verdict.YES, c.verdict(), c.toString());
    }

    @Test
    void aClaimThatFailsSaysWhere(@TempDir Path run) throws IOException {
        SyntheticRun gpt2 = SyntheticRun.gpt2Like(12);
        ReportContent base = SyntheticReport.content("gpt2", "gpt2", gpt2, run);
        List<MetricValue> values = new ArrayList<>(base.metrics());
        replace(values, Mapping.MAT, 3, 1, gpt2.precision(Mapping.ID, 1, 3));        // a tie is not a win
        replace(values, Mapping.MAT, 7, 1, gpt2.precision(Mapping.ID, 1, 7) - 0.01);
        replace(values, Mapping.MAT_FFN, 2, 1, gpt2.precision(Mapping.MAT_ATTN, 1, 2) + 0.01);
        ReportContent.R2Summary r2 = new ReportContent.R2Summary(0.8, 0.5, 78, List.of(new ReportContent.LayerPair(0, 5)));
        ReportContent content = new ReportContent(base.model(), base.settings(), base.provenance(), base.timings(),
                values, base.sweep(), base.headline(), r2, base.figures());
        List<PaperClaims.Claim> claims = PaperClaims.check(content);
        assertClaim(claims, "mat predicts layer ℓ′ from layer ℓ", PaperClaims.Verdict.NO, "mat is below id at 1 of 78 pairs (ℓ→ℓ′): 0→5;");
        assertClaim(claims, "mat beats id on Precision@1 at", PaperClaims.Verdict.NO, "mat is not above id at layers 3, 7.");
        assertClaim(claims, "mat beats id on Precision@5 at", PaperClaims.Verdict.YES, "");
        assertClaim(claims, "attention is the sub-module most tolerant", PaperClaims.Verdict.NO,
                "mat_attn is not the highest at layer 2 (mat_ffn ≥ mat_attn);");

        String html = Files.readString(Report.write(run, content));
        assertTrue(html.contains("<tr class=\"miss\"><td class=\"num\">3</td>"), "layer 3 should be marked");
        assertTrue(html.contains("<tr class=\"miss\"><td class=\"num\">7</td>"), "layer 7 should be marked");
        assertEquals(2, html.split("<tr class=\"miss\">", -1).length - 1, "only layers 3 and 7 are marked");
    }

    @Test
    void theAttentionClaimIsNotCheckedWithoutParts(@TempDir Path run) throws IOException {
        PaperClaims.Claim bert = PaperClaims.check(SyntheticReport.content("bert-base-uncased", "bert",
                SyntheticRun.bertLike(12), run)).getLast();
        assertEquals(PaperClaims.Verdict.NOT_CHECKED, bert.verdict());
        assertTrue(bert.detail().contains("GPT-2 only"), bert.detail());
        PaperClaims.Claim gpt2 = PaperClaims.check(SyntheticReport.content("gpt2", "gpt2",
                new SyntheticRun(12, Set.of(Mapping.ID, Mapping.MAT)), run)).getLast();
        assertEquals(PaperClaims.Verdict.NOT_CHECKED, gpt2.verdict());
        assertTrue(gpt2.detail().contains("this run has no Precision@1 of mat_attn"), gpt2.detail());
    }

    @Test
    void badInputIsOneSentenceNamingTheProblem(@TempDir Path run) throws IOException {
        ReportContent c = SyntheticReport.content("gpt2", "gpt2", SyntheticRun.bertLike(4), run);
        assertMessage("report: the run directory " + run.resolve("absent") + " does not exist",
                () -> Report.write(run.resolve("absent"), c));
        assertMessage("report: the architecture must be \"gpt2\" or \"bert\", got \"llama\"",
                () -> new ReportContent.Model("x", "llama", 4));
        assertMessage("report: gpt2 has L = 12 blocks, but the metric values run over layers 0..4 and the headline is for L = 4",
                () -> new ReportContent(new ReportContent.Model("gpt2", "gpt2", 12), c.settings(), c.provenance(),
                        c.timings(), c.metrics(), c.sweep(), c.headline(), c.r2(), c.figures()));
        assertMessage("report: stage \"fit\" took -1.0 s",
                () -> new ReportContent(c.model(), c.settings(), c.provenance(), Map.of("fit", -1.0), c.metrics(),
                        c.sweep(), c.headline(), c.r2(), c.figures()));
        Path missing = run.resolve("missing.png");
        assertMessage("report: figure pre: " + missing + " does not exist", () -> Report.write(run, withFigure(c, missing)));
        Path notPng = Files.writeString(run.resolve("fake.png"), "GIF89a, not a PNG at all");
        assertMessage("report: figure pre: " + notPng + " is not a PNG file", () -> Report.write(run, withFigure(c, notPng)));
    }

    @Test
    void aFailedWriteNamesTheFileAndLeavesTheRunDirectoryAsItWas(@TempDir Path run) throws IOException {
        ReportContent c = SyntheticReport.content("gpt2", "gpt2", SyntheticRun.bertLike(4), run);
        // A non-empty directory where the report should go cannot be replaced by a rename.
        Files.createDirectories(run.resolve("report.html").resolve("occupied"));
        Set<String> before = names(run);
        IOException e = assertThrows(IOException.class, () -> Report.write(run, c));
        assertTrue(e.getMessage().startsWith(run.resolve("report.html") + ": cannot write the report"), e.getMessage());
        assertEquals(before, names(run));
    }

    private static ReportContent withFigure(ReportContent c, Path png) {
        return new ReportContent(c.model(), c.settings(), c.provenance(), c.timings(), c.metrics(), c.sweep(),
                c.headline(), c.r2(), List.of(new ReportContent.Figure("pre", "caption", png)));
    }

    /** Sets mapping m's Precision@k at a layer to {@code value}, with a narrow interval around it. */
    private static void replace(List<MetricValue> values, Mapping m, int layer, int k, double value) {
        values.replaceAll(v -> v.mapping() == m && v.layer() == layer && v.metric() == Metric.PRECISION && v.k() == k
                ? new MetricValue(m, layer, Metric.PRECISION, k, value, value - 0.01, value + 0.01) : v);
    }

    private static void assertClaim(List<PaperClaims.Claim> claims, String start, PaperClaims.Verdict verdict,
            String detail) {
        PaperClaims.Claim c = claims.stream().filter(x -> x.statement().startsWith(start)).findFirst().orElse(null);
        assertTrue(c != null, "no claim starting \"" + start + "\" in " + claims);
        assertEquals(verdict, c.verdict(), c.toString());
        assertTrue(c.detail().contains(detail), c.detail());
    }

    private static void assertMessage(String expected, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(expected) && message.endsWith("."), message);
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
